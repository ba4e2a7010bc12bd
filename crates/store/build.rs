// Re-embed the migrations when their SQL changes (embed_migrations! alone does not notice).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
