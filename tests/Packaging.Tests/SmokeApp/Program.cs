// Touches TorchSharp before any Pipeline type on purpose: the package's module initializer must
// already have made libtorch loadable.
using TorchSharp;

using var t = torch.arange(6, dtype: torch.float32).reshape(2, 3);
Console.WriteLine($"torch sum: {t.sum().item<float>()}");
Console.WriteLine($"device: {Pipeline.Runtime.TorchRuntime.Device.type}");
Console.WriteLine("Smoke test passed");
