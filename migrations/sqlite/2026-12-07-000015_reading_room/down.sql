DROP TABLE reading_room;
