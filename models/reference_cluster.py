"""The learning recipe of Photo Atlas (crates/photo-atlas-core/src/ml/pipeline.rs) in
PyTorch + scikit-learn, on the same cached features, for `benches/cluster.rs` to print
beside its own time.

Same steps and settings: unit-length rows; the 128 leading (uncentred) directions,
fitted on at most 20,000 rows; neighbours among a pool of at most 20,000 rows, two
smoothing steps over 10 neighbours; rows scaled to a mean square of 0.1; a
128-512-256-32 autoencoder (Glorot-uniform, zero bias), Adam at 1e-3, batch 256,
masking noise 0.2, 60 epochs of at most 10,000 rows each; k by silhouette on 2,000
rows (k-means with 3 restarts for k in 2..20, the largest k within 10 % of the
best); the starting partition by k-means (10 restarts) fitted on at most 10,000 rows
and assigned to all; IDEC (reconstruction + 0.1 KL), the target recomputed every
epoch, at most 30 epochs, stopping when under 0.1 % of labels change.

    python3 models/reference_cluster.py FEATURES.f32 --rows N --dim 1280

FEATURES.f32: little-endian float32, row-major; FEATURES.labels beside it (one label
a line) for the NMI. Prints one line: seconds=... peak_mb=... k=... nmi=...
"""

import argparse
import math
import resource
import time

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score, silhouette_score
from torch import nn

REDUCED, POOL, NEIGHBOURS, STEPS = 128, 20_000, 10, 2
EPOCH_ROWS, BATCH, EPOCHS, REFINE_EPOCHS = 10_000, 256, 60, 30


def unit(x):
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


def sample(n, most, gen):
    if n <= most:
        return torch.arange(n)
    return torch.randperm(n, generator=gen)[:most].sort().values


def reduce(x, gen):
    picked = unit(x[sample(len(x), 20_000, gen)])
    _, vectors = torch.linalg.eigh(picked.T @ picked)
    basis = vectors[:, -REDUCED:].flip(1)
    return unit(unit(x) @ basis)


def smooth(x, gen):
    pool = sample(len(x), POOL, gen)
    cand = x[pool]
    neighbours = []
    for start in range(0, len(x), 4096):
        sims = x[start:start + 4096] @ cand.T
        rows = torch.arange(start, min(start + 4096, len(x)))
        own = torch.searchsorted(pool, rows)
        hit = (own < len(pool)) & (pool[own.clamp_max(len(pool) - 1)] == rows)
        sims[hit.nonzero().squeeze(1), own[hit]] = -math.inf
        neighbours.append(pool[sims.topk(NEIGHBOURS, dim=1).indices])
    nn_idx = torch.cat(neighbours)
    for _ in range(STEPS):
        x = unit(0.5 * x + 0.5 * x[nn_idx].mean(dim=1))
    return x


def autoencoder(dims):
    def stack(sizes):
        layers = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layer = nn.Linear(a, b)
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
            layers.append(layer)
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    return stack(dims), stack(dims[::-1])


def soft(z, mu):
    kernel = 1.0 / (1.0 + torch.cdist(z, mu) ** 2)
    return kernel / kernel.sum(dim=1, keepdim=True)


def target(q):
    w = q**2 / q.sum(dim=0)
    return (w / w.sum(dim=1, keepdim=True)).detach()


def batches(n, gen):
    order = torch.randperm(n, generator=gen)
    steps = math.ceil(min(n, EPOCH_ROWS) / BATCH)
    return [order[i * BATCH:(i + 1) * BATCH] for i in range(steps)]


def choose_k(x, seed):
    rows = x[sample(len(x), 2000, torch.Generator().manual_seed(seed))].numpy()
    scores = []
    for k in range(2, min(20, len(x) // 3) + 1):
        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(rows)
        scores.append((k, silhouette_score(rows, labels)))
    top = max(s for _, s in scores)
    return max(k for k, s in scores if s >= top - 0.1 * abs(top))


STAGES = []


def lap(stage, since):
    """Records the seconds since `since` for `stage`; returns now."""
    now = time.perf_counter()
    STAGES.append(f"{stage}:{now - since:.1f}")
    return now


def learn(features, seed=1):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    clock = time.perf_counter()
    x = smooth(reduce(features, gen), gen) * math.sqrt(REDUCED * 0.1)
    clock = lap("input", clock)
    n = len(x)
    encoder, decoder = autoencoder([REDUCED, 512, 256, 32])
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    for _ in range(EPOCHS):
        for b in batches(n, gen):
            xb = x[b]
            noisy = nn.functional.dropout(xb, 0.2)
            loss = ((decoder(encoder(noisy)) - xb) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    clock = lap("pretrain", clock)
    k = choose_k(x, seed)
    fit_rows = sample(n, EPOCH_ROWS, gen)
    start = KMeans(k, n_init=10, random_state=seed).fit(x[fit_rows].numpy()).predict(x.numpy())
    clock = lap("kmeans", clock)
    with torch.no_grad():
        codes = encoder(x)
    labels = torch.from_numpy(start).long()
    mu = torch.stack([codes[labels == j].mean(dim=0) if (labels == j).any() else codes[0] for j in range(k)])
    mu = nn.Parameter(mu)
    opt = torch.optim.Adam(params + [mu], lr=1e-3)
    per_epoch = math.ceil(min(n, EPOCH_ROWS) / BATCH)
    step, previous = 0, None
    while step < REFINE_EPOCHS * per_epoch:
        for b in batches(n, gen):
            if step % per_epoch == 0:
                with torch.no_grad():
                    q = soft(encoder(x), mu)
                now = q.argmax(dim=1)
                if previous is not None and (now != previous).float().mean() < 0.001:
                    lap("refine", clock)
                    return k, now.numpy()
                previous, p = now, target(q)
            xb = x[b]
            z = encoder(xb)
            kl = (p[b] * (p[b].clamp_min(1e-12).log() - soft(z, mu).clamp_min(1e-12).log())).sum() / len(b)
            loss = ((decoder(z) - xb) ** 2).mean() + 0.1 * kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    with torch.no_grad():
        labels = soft(encoder(x), mu).argmax(dim=1).numpy()
    lap("refine", clock)
    return k, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("features")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--dim", type=int, default=1280)
    args = parser.parse_args()
    data = np.fromfile(args.features, dtype="<f4").reshape(args.rows, args.dim)
    truth = np.loadtxt(args.features.rsplit(".", 1)[0] + ".labels", dtype=int)
    features = torch.from_numpy(data)
    started = time.perf_counter()
    k, labels = learn(features)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    nmi = normalized_mutual_info_score(truth, labels)
    print(f"seconds={seconds:.2f} peak_mb={peak:.0f} k={k} nmi={nmi:.3f} stages={','.join(STAGES)} torch={torch.__version__} threads={torch.get_num_threads()}")


if __name__ == "__main__":
    main()
