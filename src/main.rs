//! The `msaforge` binary: run the command line, exit with its code.

/// Loading a spec makes hundreds of thousands of small allocations; mimalloc halves their cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(msaforge::run());
}
