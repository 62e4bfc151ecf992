"""The computations behind the lecture walkthrough (explorer/lecture/): plain PyTorch functions,
one module per idea, small enough that the app can show their source next to what they compute."""
