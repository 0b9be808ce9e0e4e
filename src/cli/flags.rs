//! Where command-line flags meet the engine: the clap enums for `--device`,
//! `--features`, `--autoencoder` and `--view` live here and map onto the engine's
//! (and the window's) own option types, so nothing below the command line knows clap.
//! (ripgrep does the same in `crates/core/flags`: low-level arguments, then options.)

use clap::ValueEnum;
use photo_atlas_core::ml::device::DeviceChoice;
use photo_atlas_core::ml::learn::FeatureSource;
use photo_atlas_core::ml::network::AutoencoderChoice;

use crate::app::{Theme, ViewMode};

/// `--device`: where the networks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceFlag {
    Auto,
    Cpu,
    Cuda,
    Metal,
}

impl From<DeviceFlag> for DeviceChoice {
    fn from(flag: DeviceFlag) -> Self {
        match flag {
            DeviceFlag::Auto => DeviceChoice::Auto,
            DeviceFlag::Cpu => DeviceChoice::Cpu,
            DeviceFlag::Cuda => DeviceChoice::Cuda,
            DeviceFlag::Metal => DeviceChoice::Metal,
        }
    }
}

/// `--features`: what the clusters are learned from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FeaturesFlag {
    /// EfficientNet-Lite0 features (pretrained on ImageNet): groups by what is in the photo.
    Backbone,
    /// The photo's own downscaled pixels (the DEC papers' input): groups mostly by colour.
    Pixels,
}

impl From<FeaturesFlag> for FeatureSource {
    fn from(flag: FeaturesFlag) -> Self {
        match flag {
            FeaturesFlag::Backbone => FeatureSource::Backbone,
            FeaturesFlag::Pixels => FeatureSource::Pixels,
        }
    }
}

/// `--autoencoder`: which autoencoder learns the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AutoencoderFlag {
    /// Convolutional for pixels on an NVIDIA GPU, dense otherwise.
    Auto,
    Dense,
    /// The DCEC-style convolutional autoencoder (pixels only; slow on the CPU).
    Conv,
}

impl From<AutoencoderFlag> for AutoencoderChoice {
    fn from(flag: AutoencoderFlag) -> Self {
        match flag {
            AutoencoderFlag::Auto => AutoencoderChoice::Auto,
            AutoencoderFlag::Dense => AutoencoderChoice::Dense,
            AutoencoderFlag::Conv => AutoencoderChoice::Conv,
        }
    }
}

/// `--theme`: the window's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeFlag {
    /// As the system says.
    System,
    Light,
    Dark,
}

impl From<ThemeFlag> for Theme {
    fn from(flag: ThemeFlag) -> Self {
        match flag {
            ThemeFlag::System => Theme::System,
            ThemeFlag::Light => Theme::Light,
            ThemeFlag::Dark => Theme::Dark,
        }
    }
}

/// `--view`: the view the window starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewFlag {
    All,
    Dates,
    Events,
    Places,
    /// Content clusters learned from the photos (autoencoder + DEC).
    Content,
    /// The photos most like a chosen (or dropped) photo.
    Similar,
    /// Identical files and near-duplicates (nothing is deleted).
    Duplicates,
    /// The albums kept in the catalog.
    Albums,
}

impl From<ViewFlag> for ViewMode {
    fn from(flag: ViewFlag) -> Self {
        match flag {
            ViewFlag::All => ViewMode::All,
            ViewFlag::Dates => ViewMode::Dates,
            ViewFlag::Events => ViewMode::Events,
            ViewFlag::Places => ViewMode::Places,
            ViewFlag::Content => ViewMode::Content,
            ViewFlag::Similar => ViewMode::Similar,
            ViewFlag::Duplicates => ViewMode::Duplicates,
            ViewFlag::Albums => ViewMode::Albums,
        }
    }
}
