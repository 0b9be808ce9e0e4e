//! The small dialog every rename and new name goes through (a content group, a new
//! album, an album): a title, a line saying what is named, the name being typed
//! (Enter confirms, Esc cancels).

/// What happened in the dialog this frame.
#[derive(Default)]
pub struct Named {
    /// The text, when it changed.
    pub typed: Option<String>,
    /// `Some(Some(name))` when confirmed, `Some(None)` when cancelled.
    pub finished: Option<Option<String>>,
}

pub fn show(
    ctx: &egui::Context,
    title: &str,
    prompt: Option<&str>,
    confirm: &str,
    current: &str,
) -> Named {
    let mut name = current.to_string();
    let mut named = Named::default();
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            if let Some(prompt) = prompt {
                ui.label(prompt);
            }
            let edit = ui.text_edit_singleline(&mut name);
            if edit.changed() {
                named.typed = Some(name.clone());
            }
            edit.request_focus();
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button(confirm).clicked() || enter {
                    named.finished = Some(Some(name.clone()));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    named.finished = Some(None);
                }
            });
        });
    named
}
