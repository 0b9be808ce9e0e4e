//! What the window remembers from one run to the next: the last folder, the view,
//! the thumbnail size, the theme and where learning runs; and the Settings panel's
//! commands. The `window` module stores them through eframe's persistence (with the
//! window's size and position) in `window.ron` beside the catalog, so that a catalog
//! moved elsewhere (`--catalog`, `PHOTO_ATLAS_CATALOG`) takes its window settings
//! along and tests never touch the user's own.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ViewMode;
use photo_atlas_core::ml::device::DeviceChoice;
use photo_atlas_core::store::Locations;

/// The window's colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// As the system says.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "As the system",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Where content groups are learned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LearnOn {
    /// A GPU when this build and this computer have one, else the CPU.
    #[default]
    Auto,
    /// The CPU even when there is a GPU (to keep the GPU free, or when it misbehaves).
    Cpu,
}

impl LearnOn {
    pub const ALL: [LearnOn; 2] = [LearnOn::Auto, LearnOn::Cpu];

    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "The GPU when there is one, else the CPU",
            Self::Cpu => "The CPU only",
        }
    }

    pub fn device(self) -> DeviceChoice {
        match self {
            Self::Auto => DeviceChoice::Auto,
            Self::Cpu => DeviceChoice::Cpu,
        }
    }
}

/// What is remembered between runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub last_folder: Option<PathBuf>,
    pub view: ViewMode,
    pub thumb_size: f32,
    pub theme: Theme,
    pub learn_on: LearnOn,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            last_folder: None,
            view: ViewMode::All,
            thumb_size: 160.0,
            theme: Theme::System,
            learn_on: LearnOn::Auto,
        }
    }
}

/// The folder the window keeps its state in: the catalog's own folder.
pub fn storage_folder(locations: &Locations) -> Option<PathBuf> {
    locations.catalog.parent().map(|p| p.to_path_buf())
}

/// What the Settings panel can change.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingsCommand {
    /// Open (true) or close the panel.
    Show(bool),
    Theme(Theme),
    LearnOn(LearnOn),
    /// Delete every thumbnail (the open folder's are made again by a rescan).
    ClearThumbnails,
}

impl super::PhotoAtlasApp {
    pub(super) fn apply_settings(&mut self, command: SettingsCommand) {
        match command {
            SettingsCommand::Show(open) => self.show_settings = open,
            SettingsCommand::Theme(theme) => self.theme = theme,
            SettingsCommand::LearnOn(choice) => self.learn_on = choice,
            SettingsCommand::ClearThumbnails => {
                if self.clearing_cache.is_none() && self.scan.is_none() {
                    self.clearing_cache = Some(photo_atlas_core::tasks::start_clear_thumbnails(
                        &self.locations,
                        self.waker.clone(),
                    ));
                }
            }
        }
    }

    /// When the cache is empty: say what was freed, and scan the open folder again
    /// so that its thumbnails are made anew.
    pub(super) fn poll_clearing_cache(&mut self) {
        let Some(task) = &mut self.clearing_cache else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.clearing_cache = None;
        self.message = Some(match result {
            Ok(c) => format!(
                "Thumbnail cache emptied: {} deleted ({:.1} MB); the folder's are being made again.",
                photo_atlas_core::grouping::count_label(c.files, "thumbnail"),
                c.bytes as f64 / 1e6
            ),
            Err(e) => format!("{e}"),
        });
        if let Some(folder) = self.folder.clone() {
            self.rescan(folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_unknown_fields_fall_back() {
        let settings = Settings {
            last_folder: Some("/photos/2023".into()),
            view: ViewMode::Events,
            thumb_size: 220.0,
            theme: Theme::Light,
            learn_on: LearnOn::Cpu,
        };
        let text = serde_json::to_string(&settings).expect("serialise");
        let back: Settings = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, settings);
        let partial: Settings = serde_json::from_str(r#"{"view":"Places"}"#).expect("parse");
        assert_eq!(partial.view, ViewMode::Places);
        assert_eq!(partial.thumb_size, 160.0);
    }
}
