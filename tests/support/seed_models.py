"""The five example models of the seed articles (../shared/seeds), rebuilt small.

On tensorflow 2.21 every one of them converts with builtin ops only; the
articles' advice to rework them predates that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf


class SinLayer(keras.layers.Layer):
    def call(self, inputs: Any) -> Any:
        return tf.math.sin(inputs)


class LogLayer(keras.layers.Layer):
    def call(self, inputs: Any) -> Any:
        return tf.math.log(inputs + 1e-9)


def lambda_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(4, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Lambda(lambda x: x * 2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def sin_layer_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((10,)),
            keras.layers.Dense(16, activation="relu"),
            SinLayer(),
            keras.layers.Dense(1),
        ]
    )


def selu_model() -> keras.Model:
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(10, activation="selu")])


def normalization_model() -> keras.Model:
    normalization = keras.layers.Normalization(axis=-1)
    normalization.adapt(np.random.default_rng(0).random((32, 12, 12, 1)).astype(np.float32))
    return keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            normalization,
            keras.layers.Conv2D(4, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def log_layer_model() -> keras.Model:
    return keras.Sequential([keras.Input((10,)), LogLayer(), keras.layers.Dense(1)])


SEED_MODELS: dict[str, Callable[[], keras.Model]] = {
    "lambda": lambda_model,
    "sin_layer": sin_layer_model,
    "selu": selu_model,
    "normalization": normalization_model,
    "log_layer": log_layer_model,
}
