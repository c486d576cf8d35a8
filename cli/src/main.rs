fn main() {
    println!("gluelab {}", env!("CARGO_PKG_VERSION"));
}
