DROP TABLE case_bands;
