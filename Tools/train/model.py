"""The NeuroSync architecture in PyTorch, written from its description
(/work/shared/reference/neurosync.md; our Swift engine implements the same): a post-norm
transformer encoder (Linear embedding, self-attention + ReLU FFN, final LayerNorm) and a
non-autoregressive decoder whose input and memory are both the encoder output (self-attention,
cross-attention, FFN, final LayerNorm, Linear to 68). Every attention applies RoPE to q and k
(base 10000, interleaved pairs, positions 0..L-1 of the window). state_dict keys match the
released checkpoint's, so `voxface` loads the exported safetensors strictly.
"""
import math

import torch
from torch import nn


def rope_tables(length, head_dim, device=None):
    """cos, sin [length, head_dim/2], float32 as the engine computes them."""
    half = head_dim // 2
    div = torch.exp(torch.arange(0, head_dim, 2, dtype=torch.float32) * (-math.log(10000.0) / head_dim))
    angle = torch.arange(length, dtype=torch.float32)[:, None] * div[None, :]
    return torch.cos(angle).to(device), torch.sin(angle).to(device)


def apply_rope(x, cos, sin):
    """x [B, heads, L, d]: rotate interleaved pairs (even, odd)."""
    even, odd = x[..., 0::2], x[..., 1::2]
    c, s = cos[: x.shape[-2]], sin[: x.shape[-2]]
    rotated_even = even * c - odd * s
    rotated_odd = even * s + odd * c
    return torch.stack((rotated_even, rotated_odd), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, hidden, heads, dropout=0.0):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.q_linear = nn.Linear(hidden, hidden)
        self.k_linear = nn.Linear(hidden, hidden)
        self.v_linear = nn.Linear(hidden, hidden)
        self.out_linear = nn.Linear(hidden, hidden)
        self.dropout = dropout

    def forward(self, query, key_value):
        b, lq, h = query.shape
        lk = key_value.shape[1]

        def split(t, length):
            return t.view(b, length, self.heads, self.head_dim).transpose(1, 2)

        q = split(self.q_linear(query), lq)
        k = split(self.k_linear(key_value), lk)
        v = split(self.v_linear(key_value), lk)
        cos, sin = rope_tables(max(lq, lk), self.head_dim, query.device)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        weights = torch.softmax(scores, dim=-1)
        if self.training and self.dropout > 0:
            weights = nn.functional.dropout(weights, self.dropout)
        context = (weights @ v).transpose(1, 2).reshape(b, lq, h)
        return self.out_linear(context)


class FeedForward(nn.Module):
    def __init__(self, hidden, dropout=0.0):
        super().__init__()
        self.linear1 = nn.Linear(hidden, 4 * hidden)
        self.linear2 = nn.Linear(4 * hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.linear2(self.dropout(torch.relu(self.linear1(x))))


class EncoderLayer(nn.Module):
    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.self_attn = Attention(hidden, heads, dropout)
        self.ffn = FeedForward(hidden, dropout)
        self.norm1 = nn.LayerNorm(hidden)
        self.norm2 = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = self.norm1(x + self.drop(self.self_attn(x, x)))
        return self.norm2(x + self.drop(self.ffn(x)))


class DecoderLayer(nn.Module):
    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.self_attn = Attention(hidden, heads, dropout)
        self.multihead_attn = Attention(hidden, heads, dropout)
        self.ffn = FeedForward(hidden, dropout)
        self.norm1 = nn.LayerNorm(hidden)
        self.norm2 = nn.LayerNorm(hidden)
        self.norm3 = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, memory):
        x = self.norm1(x + self.drop(self.self_attn(x, x)))
        x = self.norm2(x + self.drop(self.multihead_attn(x, memory)))
        return self.norm3(x + self.drop(self.ffn(x)))


class Encoder(nn.Module):
    def __init__(self, input_dim, hidden, layers, heads, dropout):
        super().__init__()
        self.embedding = nn.Linear(input_dim, hidden)
        self.transformer_encoder = nn.ModuleList([EncoderLayer(hidden, heads, dropout) for _ in range(layers)])
        self.layer_norm = nn.LayerNorm(hidden)

    def forward(self, x):
        x = self.embedding(x)
        for layer in self.transformer_encoder:
            x = layer(x)
        return self.layer_norm(x)


class Decoder(nn.Module):
    def __init__(self, output_dim, hidden, layers, heads, dropout):
        super().__init__()
        self.transformer_decoder = nn.ModuleList([DecoderLayer(hidden, heads, dropout) for _ in range(layers)])
        self.layer_norm = nn.LayerNorm(hidden)
        self.fc_output = nn.Linear(hidden, output_dim)

    def forward(self, memory):
        x = memory
        for layer in self.transformer_decoder:
            x = layer(x, memory)
        return self.fc_output(self.layer_norm(x))


class FaceModel(nn.Module):
    """config: NeuroSync's config.json dict (input_dim, hidden_dim, n_layers, num_heads, output_dim, ...)."""

    def __init__(self, config, dropout=0.0):
        super().__init__()
        self.config = dict(config)
        h, n, heads = config["hidden_dim"], config["n_layers"], config["num_heads"]
        self.encoder = Encoder(config["input_dim"], h, n, heads, dropout)
        self.decoder = Decoder(config["output_dim"], h, n, heads, dropout)

    def forward(self, x):
        return self.decoder(self.encoder(x))
