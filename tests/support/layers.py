"""Keras layers of the tests: a fused op (opkit.custom_op) and ops TFLite lacks.

Registered as serializable so that models saved to .keras load back; the CLI
tests import this module with `--import support.layers`.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

import opkit


@keras.saving.register_keras_serializable(package="opkit_tests")
class ScaledSin(keras.layers.Layer):
    """y = scale * sin(x), converted as ONE custom op ScaledSin with {"scale": ...}."""

    def __init__(self, scale: float = 2.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale

    @opkit.custom_op("ScaledSin", scale=2.0)
    def call(self, x: Any) -> Any:
        return self.scale * tf.sin(x)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale}


@keras.saving.register_keras_serializable(package="opkit_tests")
class SpecialFunctions(keras.layers.Layer):
    """Uses three TF ops that convert to custom ops: Sinh, Erfc, Digamma."""

    def call(self, x: Any) -> Any:
        return tf.math.sinh(x) + tf.math.erfc(x) + tf.math.digamma(x)


def scaled_sin_model(scale: float = 2.0) -> keras.Model:
    inputs = keras.Input((4,))
    return keras.Model(inputs, ScaledSin(scale)(inputs))


def special_functions_model() -> keras.Model:
    inputs = keras.Input((4,))
    return keras.Model(inputs, SpecialFunctions()(inputs))
