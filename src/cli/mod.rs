//! The command line: the headless front end of the engine, and the contract
//! that scripts, tests and later issues build on (see the README).

mod groups_cmd;
mod json;
mod progress;
mod scan_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::store::{Catalog, Locations};

/// Photo Atlas: organise a folder of photos by date, place and content.
#[derive(Debug, Parser)]
#[command(name = "photo-atlas", version)]
pub struct Cli {
    /// The catalog database to use (default: the platform data folder, or $PHOTO_ATLAS_CATALOG).
    #[arg(long, global = true, value_name = "PATH")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// A folder to open in the window.
    pub folder: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a folder into the catalog: metadata, and thumbnails unless told not to.
    Scan {
        folder: PathBuf,
        /// Print one JSON object per file on stdout.
        #[arg(long)]
        json: bool,
        /// Read metadata only; make no thumbnails.
        #[arg(long)]
        no_thumbnails: bool,
    },
    /// Show a folder's photos in groups (the folder is rescanned first if it changed).
    Groups {
        folder: PathBuf,
        /// How to group.
        #[arg(long, value_enum)]
        by: GroupBy,
        /// Print one JSON object per group on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// Years, months and days.
    Date,
    /// Runs of photos split at unusually long gaps in time.
    Event,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("photo-atlas: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let locations = Locations::resolve(cli.catalog.clone())?;
    match cli.command {
        Some(Command::Scan {
            folder,
            json,
            no_thumbnails,
        }) => {
            let mut catalog = open_catalog(&locations)?;
            scan_cmd::run(&mut catalog, &locations, &folder, json, !no_thumbnails)
        }
        Some(Command::Groups { folder, by, json }) => {
            let mut catalog = open_catalog(&locations)?;
            groups_cmd::run(&mut catalog, &locations, &folder, by, json)
        }
        None => {
            eprintln!(
                "The Photo Atlas window is not built yet. Use `photo-atlas scan FOLDER` and \
                 `photo-atlas groups FOLDER --by date|event`; `photo-atlas --help` lists everything."
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn open_catalog(locations: &Locations) -> anyhow::Result<Catalog> {
    Catalog::open(&locations.catalog)
        .map_err(|e| anyhow::anyhow!("{e}: {}", locations.catalog.display()))
}
