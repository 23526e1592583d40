"""DeepStep's engine: numpy, h5py and the standard library only (no Qt; a test proves it)."""
