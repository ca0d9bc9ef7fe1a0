"""The model: vocabulary, tokens, anticipation, the network, the numpy decode engine, sampling, checkpoints, the live generator."""
