//! Where the networks run: `auto` takes a GPU when this build has a GPU backend
//! (cargo features `cuda` / `metal`) and one is present, else the CPU, and says
//! which it chose and why, so a user is never left guessing.

pub use candle_core::Device;

/// What the user asked for (`--device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    #[default]
    Auto,
    Cpu,
    Cuda,
    Metal,
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("this build has no {0} support; rebuild with `--features {1}`")]
    NotBuilt(&'static str, &'static str),
    #[error("no usable {0} device: {1}")]
    Unavailable(&'static str, String),
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;

    /// `auto`, `cpu`, `cuda` or `metal`, in any case.
    fn from_str(name: &str) -> Result<Self, String> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "cpu" => Ok(Self::Cpu),
            "cuda" => Ok(Self::Cuda),
            "metal" => Ok(Self::Metal),
            _ => Err(format!("invalid variant: {name}")),
        }
    }
}

/// `--device NAME` among a program's arguments (how the benches take it), else the CPU.
pub fn choice_from_args(args: &[String]) -> Result<DeviceChoice, String> {
    match args.windows(2).find(|w| w[0] == "--device") {
        Some(w) => w[1].parse(),
        None => Ok(DeviceChoice::Cpu),
    }
}

/// The device to use, and a sentence saying which one and why.
pub fn choose(choice: DeviceChoice) -> Result<(Device, String), DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok((Device::Cpu, "Running on the CPU (as asked).".into())),
        DeviceChoice::Cuda => cuda().map(|d| (d, "Running on the NVIDIA GPU.".into())),
        DeviceChoice::Metal => metal().map(|d| (d, "Running on the Apple GPU.".into())),
        DeviceChoice::Auto => Ok(auto()),
    }
}

fn auto() -> (Device, String) {
    if cfg!(feature = "cuda") {
        match cuda() {
            Ok(d) => return (d, "Running on the NVIDIA GPU.".into()),
            Err(e) => return (Device::Cpu, format!("Running on the CPU: {e}.")),
        }
    }
    if cfg!(feature = "metal") {
        match metal() {
            Ok(d) => return (d, "Running on the Apple GPU.".into()),
            Err(e) => return (Device::Cpu, format!("Running on the CPU: {e}.")),
        }
    }
    (
        Device::Cpu,
        "Running on the CPU (this build has no GPU support).".into(),
    )
}

fn cuda() -> Result<Device, DeviceError> {
    if !cfg!(feature = "cuda") {
        return Err(DeviceError::NotBuilt("CUDA", "cuda"));
    }
    Device::new_cuda(0).map_err(|e| DeviceError::Unavailable("CUDA", e.to_string()))
}

fn metal() -> Result<Device, DeviceError> {
    if !cfg!(feature = "metal") {
        return Err(DeviceError::NotBuilt("Metal", "metal"));
    }
    Device::new_metal(0).map_err(|e| DeviceError::Unavailable("Metal", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_always_works_and_missing_backends_say_how_to_get_them() {
        let (device, message) = choose(DeviceChoice::Cpu).expect("cpu");
        assert!(device.is_cpu() && message.contains("CPU"));
        if !cfg!(feature = "cuda") {
            let err = choose(DeviceChoice::Cuda).expect_err("no cuda in this build");
            assert!(err.to_string().contains("--features cuda"), "{err}");
            let (device, message) = choose(DeviceChoice::Auto).expect("auto");
            assert!(device.is_cpu() && message.contains("CPU"), "{message}");
        }
    }
}
