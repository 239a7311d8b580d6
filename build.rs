// The lessons are compiled into the binary (include_dir), which on stable
// Rust does not tell cargo about the files it reads: rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=lessons");
}
