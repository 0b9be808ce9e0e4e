//! The command line: the headless front end of the engine, and the contract
//! that scripts, tests and later issues build on (see the README).

mod album_cmd;
mod cluster_cmd;
mod eval_cmd;
mod eval_names;
mod eval_search;
mod flags;
mod groups_cmd;
mod json;
mod logger;
mod progress;
mod scan_cmd;
mod search_cmd;
mod similar_cmd;
mod trips_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use photo_atlas_core::store::{Catalog, Locations};

/// Photo Atlas: organise a folder of photos by date, place and content.
#[derive(Debug, Parser)]
#[command(name = "photo-atlas", version)]
pub struct Cli {
    /// The catalog database to use (default: the platform data folder, or $PHOTO_ATLAS_CATALOG).
    #[arg(long, global = true, value_name = "PATH")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<CliCommand>,

    /// A folder to open in the window.
    pub folder: Option<PathBuf>,

    /// Save a PNG of the window once the scan is done and the visible photos are drawn, then quit.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,

    /// The view the window starts in (else the one it was left in).
    #[arg(long, value_enum)]
    pub view: Option<flags::ViewFlag>,

    /// Open the photo with this index (0 = the oldest) in the viewer at start.
    #[arg(long, value_name = "N")]
    pub open_photo: Option<usize>,

    /// Show the photos most like this one (the Similar view) at start.
    #[arg(long, value_name = "PHOTO")]
    pub find_similar: Option<PathBuf>,

    /// Type this into the search box at start ("dog 2023").
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,

    /// The window's colours (else those chosen in Settings, else the system's).
    #[arg(long, value_enum)]
    pub theme: Option<flags::ThemeFlag>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
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
    /// Learn the folder's groups by content (autoencoder + DEC on its photos) and store them.
    Cluster {
        folder: PathBuf,
        /// The number of clusters, or "auto" to choose it.
        #[arg(long, default_value = "auto", value_parser = cluster_cmd::parse_k)]
        k: photo_atlas_core::ml::pipeline::KChoice,
        #[command(flatten)]
        learn: cluster_cmd::LearnArgs,
    },
    /// The photos most similar to PHOTO (in a clustered folder, or any image file).
    Similar {
        photo: PathBuf,
        /// How many to show.
        #[arg(short, default_value_t = 10)]
        k: usize,
        /// Print one JSON object per hit ({"path", "score"}), best first.
        #[arg(long)]
        json: bool,
        /// Where to run the networks (for a photo that has to be encoded).
        #[arg(long, value_enum, default_value = "auto")]
        device: flags::DeviceFlag,
    },
    /// Find the folder's photos by what is in them, when and where: "dog 2023 Munich".
    Search {
        folder: PathBuf,
        /// Words, dates ("2023", "June 2024", "2023-06-12"), places and cameras.
        query: String,
        /// How many to show.
        #[arg(short, default_value_t = 50)]
        k: usize,
        /// Print one JSON object per hit ({"path", "score"}), best first.
        #[arg(long)]
        json: bool,
        /// Where to run the network (for photos that have no features yet).
        #[arg(long, value_enum, default_value = "auto")]
        device: flags::DeviceFlag,
    },
    /// Keep photos as albums: list, show, keep, add, remove, rename, delete.
    Album {
        #[command(subcommand)]
        action: AlbumCommand,
    },
    /// Copy an album, or a group of a folder, to DEST (originals are only read).
    Export {
        /// The album to export (or give --group and --folder).
        #[arg(required_unless_present = "group")]
        album: Option<String>,
        /// The folder to copy into (made if missing; never inside a library folder).
        #[arg(long, value_name = "DEST")]
        to: PathBuf,
        /// A group's key, as `groups FOLDER --by ... --json` prints it ("2019-07-13", "trip-...", "cluster-2").
        #[arg(
            long,
            value_name = "KEY",
            requires = "folder",
            conflicts_with = "album"
        )]
        group: Option<String>,
        /// The folder the group is in.
        #[arg(long, value_name = "FOLDER")]
        folder: Option<PathBuf>,
        /// Name the copies by capture time: "2023-10-02 14.31.07.jpg".
        #[arg(long)]
        rename_by_date: bool,
    },
    /// Where home is for the trips (chosen, or inferred from FOLDER's photos); choose or forget it.
    Home {
        folder: PathBuf,
        /// Choose home: a latitude and longitude ("48.137,11.575").
        #[arg(long, value_name = "LAT,LON", value_parser = trips_cmd::parse_position, conflicts_with = "clear")]
        set: Option<(f64, f64)>,
        /// Forget the chosen home: infer it from the photos again.
        #[arg(long)]
        clear: bool,
    },
    /// Score the clustering against known labels (NMI, ARI, accuracy, precision@10).
    Eval {
        folder: PathBuf,
        /// A CSV file of path,label rows, paths relative to FOLDER.
        #[arg(long, value_name = "LABELS.csv")]
        labels: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Score the search instead: label=words pairs ("forest=forest,glacier=ice"),
        /// precision among the first 20 hits and recall among the first N (the class size).
        #[arg(long, value_name = "LABEL=WORDS,...", conflicts_with = "names")]
        queries: Option<String>,
        /// Show the stored content groups' names (now and by the earlier rule) beside their labels.
        #[arg(long)]
        names: bool,
        #[command(flatten)]
        learn: cluster_cmd::LearnArgs,
    },
}

/// Photos named on the command line: paths, or a group of a folder.
#[derive(Debug, clap::Args)]
pub struct PhotosArgs {
    photos: Vec<PathBuf>,
    /// A group's key, as `groups FOLDER --by ... --json` prints it.
    #[arg(long, value_name = "KEY", requires = "folder")]
    group: Option<String>,
    /// The folder the group is in.
    #[arg(long, value_name = "FOLDER")]
    folder: Option<PathBuf>,
}

impl PhotosArgs {
    fn source(&self) -> album_cmd::Source<'_> {
        album_cmd::Source {
            paths: &self.photos,
            group: self.group.as_deref(),
            folder: self.folder.as_deref(),
        }
    }
}

/// What `album` does.
#[derive(Debug, Subcommand)]
pub enum AlbumCommand {
    /// Every album and how many photos it holds.
    List,
    /// An album's photos (missing ones say so).
    Show {
        name: String,
    },
    /// Keep photos (paths, or a group of a folder) as a new album.
    Keep {
        name: String,
        #[command(flatten)]
        from: PhotosArgs,
    },
    /// Add photos (paths, or a group of a folder) to an album.
    Add {
        name: String,
        #[command(flatten)]
        from: PhotosArgs,
    },
    /// Take photos out of an album (the files are not touched).
    Remove {
        name: String,
        photos: Vec<PathBuf>,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Forget an album (its photos are not touched).
    Delete {
        name: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// Years, months and days.
    Date,
    /// Runs of photos split at unusually long gaps in time.
    Event,
    /// GPS clusters named offline, and "No location".
    Place,
    /// The content clusters learned by `cluster`, photos by confidence.
    Cluster,
    /// Sets of identical files, then of near-duplicates (nothing is deleted).
    Duplicates,
    /// Trips away from home (with their days' events), then the events at home.
    Trip,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    logger::install();
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
        Some(CliCommand::Scan {
            folder,
            json,
            no_thumbnails,
        }) => {
            let mut catalog = open_catalog(&locations)?;
            scan_cmd::run(&mut catalog, &locations, &folder, json, !no_thumbnails)
        }
        Some(CliCommand::Groups { folder, by, json }) => {
            let mut catalog = open_catalog(&locations)?;
            groups_cmd::run(&mut catalog, &locations, &folder, by, json)
        }
        Some(CliCommand::Cluster { folder, k, learn }) => {
            let mut catalog = open_catalog(&locations)?;
            cluster_cmd::run(&mut catalog, &locations, &folder, k, &learn)
        }
        Some(CliCommand::Similar {
            photo,
            k,
            json,
            device,
        }) => {
            let catalog = open_catalog(&locations)?;
            similar_cmd::run(&catalog, &photo, k, device.into(), json)
        }
        Some(CliCommand::Search {
            folder,
            query,
            k,
            json,
            device,
        }) => {
            let mut catalog = open_catalog(&locations)?;
            let request = search_cmd::SearchRequest {
                folder: &folder,
                text: &query,
                limit: k,
                as_json: json,
                device: device.into(),
            };
            search_cmd::run(&mut catalog, &locations, &request)
        }
        Some(CliCommand::Album { action }) => {
            let mut catalog = open_catalog(&locations)?;
            run_album(&mut catalog, &locations, &action)
        }
        Some(CliCommand::Export {
            album,
            to,
            group,
            folder,
            rename_by_date,
        }) => {
            let mut catalog = open_catalog(&locations)?;
            let source = album_cmd::Source {
                paths: &[],
                group: group.as_deref(),
                folder: folder.as_deref(),
            };
            let options = photo_atlas_core::export::ExportOptions { rename_by_date };
            album_cmd::export_cmd(
                &mut catalog,
                &locations,
                album.as_deref(),
                source,
                &to,
                options,
            )
        }
        Some(CliCommand::Home { folder, set, clear }) => {
            let mut catalog = open_catalog(&locations)?;
            let change = match (set, clear) {
                (Some((lat, lon)), _) => trips_cmd::HomeChange::Set(lat, lon),
                (None, true) => trips_cmd::HomeChange::Clear,
                (None, false) => trips_cmd::HomeChange::Show,
            };
            trips_cmd::home(&mut catalog, &locations, &folder, change)
        }
        Some(CliCommand::Eval {
            folder,
            labels,
            json,
            queries,
            names,
            learn,
        }) => {
            let mut catalog = open_catalog(&locations)?;
            if let Some(queries) = queries {
                let queries = eval_search::parse_queries(&queries)?;
                eval_search::run(&mut catalog, &locations, &folder, &labels, &queries, json)
            } else if names {
                eval_names::run(&mut catalog, &locations, &folder, &labels, json)
            } else {
                eval_cmd::run(&mut catalog, &locations, &folder, &labels, &learn, json)
            }
        }
        None => open_window(cli, locations),
    }
}

fn run_album(
    catalog: &mut Catalog,
    locations: &Locations,
    command: &AlbumCommand,
) -> anyhow::Result<ExitCode> {
    use album_cmd::AlbumAction;
    let action = match command {
        AlbumCommand::List => AlbumAction::List,
        AlbumCommand::Show { name } => AlbumAction::Show(name),
        AlbumCommand::Keep { name, from } => AlbumAction::Keep(name, from.source()),
        AlbumCommand::Add { name, from } => AlbumAction::Add(name, from.source()),
        AlbumCommand::Remove { name, photos } => AlbumAction::Remove(name, photos),
        AlbumCommand::Rename { name, new_name } => AlbumAction::Rename(name, new_name),
        AlbumCommand::Delete { name } => AlbumAction::Delete(name),
    };
    album_cmd::album(catalog, locations, action)
}

fn open_window(cli: Cli, locations: Locations) -> anyhow::Result<ExitCode> {
    // A file (a photo opened with Photo Atlas from a file manager) means its folder.
    let folder = match cli.folder {
        Some(path) if path.is_file() => path.parent().map(std::path::Path::to_path_buf),
        Some(path) => {
            anyhow::ensure!(
                path.is_dir(),
                "this is neither a folder nor a file: {}",
                path.display()
            );
            Some(path)
        }
        None => None,
    };
    let options = crate::app::AppOptions {
        locations,
        folder,
        view: cli.view.map(Into::into),
        open_photo: cli.open_photo,
        find_similar: cli.find_similar,
        search: cli.search,
        theme: cli.theme.map(Into::into),
        saved: None,
        prepare_in_background: true,
    };
    let outcome = crate::window::run(options, cli.screenshot.clone())?;
    match (cli.screenshot, outcome) {
        (None, _) => Ok(ExitCode::SUCCESS),
        (Some(_), Some(Ok(path))) => {
            eprintln!("Saved {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        (Some(_), Some(Err(e))) => anyhow::bail!("no screenshot: {e}"),
        (Some(_), None) => anyhow::bail!("no screenshot: the window closed before it was taken"),
    }
}

fn open_catalog(locations: &Locations) -> anyhow::Result<Catalog> {
    Catalog::open(&locations.catalog)
        .map_err(|e| anyhow::anyhow!("{e}: {}", locations.catalog.display()))
}
