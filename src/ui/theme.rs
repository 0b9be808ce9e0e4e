//! The look: spacing, rounding and type, light and dark themes that follow the
//! system, and the window icon (drawn from `assets/icon.svg`).

pub fn apply(ctx: &egui::Context, preference: egui::ThemePreference) {
    ctx.options_mut(|o| o.theme_preference = preference);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.spacing.window_margin = egui::Margin::same(12);
        style.visuals.widgets.inactive.corner_radius = egui::CornerRadius::same(6);
        style.visuals.widgets.hovered.corner_radius = egui::CornerRadius::same(6);
        style.visuals.widgets.active.corner_radius = egui::CornerRadius::same(6);
        style
            .text_styles
            .insert(egui::TextStyle::Body, egui::FontId::proportional(14.0));
        style
            .text_styles
            .insert(egui::TextStyle::Button, egui::FontId::proportional(14.0));
        style
            .text_styles
            .insert(egui::TextStyle::Heading, egui::FontId::proportional(22.0));
    });
}

/// The accent used for selection and progress.
pub const ACCENT: egui::Color32 = egui::Color32::from_rgb(0x2f, 0x80, 0xed);

/// The window icon, decoded from the PNG rendered from `assets/icon.svg`.
pub fn app_icon() -> egui::IconData {
    let png = include_bytes!("../../assets/icon-256.png");
    match image::load_from_memory(png) {
        Ok(img) => {
            let rgba = img.to_rgba8();
            egui::IconData {
                width: rgba.width(),
                height: rgba.height(),
                rgba: rgba.into_raw(),
            }
        }
        Err(_) => egui::IconData::default(),
    }
}
