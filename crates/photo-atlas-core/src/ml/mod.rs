//! Machine learning, in two stages (see DESIGN.md): every photo becomes a feature
//! vector (the pretrained EfficientNet-Lite0, inference only, cached in the catalog),
//! then a denoising autoencoder + IDEC learns clusters on this user's vectors.
//! Also the quality metrics that `eval` reports.

mod adam;
pub mod arrays;
pub mod autoencoder;
pub mod classes;
pub mod conv_autoencoder;
pub mod dec;
pub mod dense_cpu;
pub mod device;
pub mod efficientnet;
mod efficientnet_cpu;
mod elementwise;
pub mod features;
pub mod join;
pub mod kmeans;
pub mod learn;
pub mod learner;
mod lloyd;
pub mod metrics;
pub mod naming;
pub mod neighbours;
pub mod network;
pub mod noise;
pub mod pipeline;
pub mod quick;
pub mod reduce;
pub mod stored;
pub mod train;
pub mod wordnet;

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::efficientnet::*;

    #[test]
    fn shipped_weights_load_and_give_a_distribution_over_imagenet() {
        let device = Device::Cpu;
        let net = EfficientNetLite0::load_shipped(&device).expect("weights load");
        let img = image::RgbImage::from_fn(300, 200, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let input = to_input(&img, &device)
            .and_then(|t| t.unsqueeze(0))
            .expect("input");
        assert_eq!(input.dims(), &[1, 3, INPUT_SIZE, INPUT_SIZE]);
        let features = net.features(&input).expect("features");
        assert_eq!(features.dims(), &[1, FEATURE_DIM]);
        let probs = softmax(&net.classify(&features).expect("logits")).expect("softmax");
        let total: f32 = probs.sum_all().and_then(|t| t.to_scalar()).expect("sum");
        assert!((total - 1.0).abs() < 1e-3, "{total}");
        // ReLU6 then averaging: every feature lies in [0, 6].
        let v: Vec<f32> = features
            .flatten_all()
            .and_then(|t| t.to_vec1())
            .expect("vec");
        assert!(v.iter().all(|x| (0.0..=6.0).contains(x)));
        assert_eq!(imagenet_classes().len(), 1000);
    }
}
