"""PyTorch reference for tsgan's benchmark: the same recurrent GAN iteration.

Generator: stacked GRU/LSTM/RNN over per-step noise + a linear head with a
sigmoid per step; discriminator: stacked recurrent network + a linear head with
one logit per step; non-saturating BCE on logits; Adam for each network; one
iteration = one D step (real batch and a generated batch) + one G step. This is
what tsgan's `Rgan.discriminatorStep` / `generatorStep` do. PyTorch's GRU
applies the reset gate after the recurrent product (cuDNN form), TF.js before
it: the same cost, slightly different math.

Prints one JSON line: iterations per second and peak resident memory.
"""
import argparse, json, resource, time

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, cell, inp, hidden, layers, out, sigmoid):
        super().__init__()
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell]
        self.rnn = rnn(inp, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, out)
        self.sigmoid = sigmoid

    def forward(self, x):  # [batch, time, features]
        y, _ = self.rnn(x)
        y = self.head(y)
        return torch.sigmoid(y) if self.sigmoid else y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", default="gru")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seq", type=int, default=24)
    ap.add_argument("--features", type=int, default=6)
    ap.add_argument("--noise", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=24)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    G = Net(a.cell, a.noise, a.hidden, a.layers, a.features, True)
    D = Net(a.cell, a.features, a.hidden, a.layers, 1, False)
    optG = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    data = torch.rand(1024, a.seq, a.features)

    def iteration():
        idx = torch.randint(0, data.shape[0], (a.batch,))
        real = data[idx]
        z = torch.rand(a.batch, a.seq, a.noise)
        with torch.no_grad():
            fake = G(z)
        lr, lf = D(real), D(fake)
        d_loss = bce(lr, torch.ones_like(lr)) + bce(lf, torch.zeros_like(lf))
        optD.zero_grad(set_to_none=True)
        d_loss.backward()
        optD.step()
        z = torch.rand(a.batch, a.seq, a.noise)
        lf = D(G(z))
        g_loss = bce(lf, torch.ones_like(lf))
        optG.zero_grad(set_to_none=True)
        g_loss.backward()
        optG.step()

    for _ in range(a.warmup):
        iteration()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        iteration()
        n += 1
    dt = time.perf_counter() - t0
    print(json.dumps({
        "engine": "pytorch", "version": torch.__version__, "threads": a.threads,
        "iterations": n, "seconds": dt, "its_per_s": n / dt,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
