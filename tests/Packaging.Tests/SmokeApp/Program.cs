// A consumer's first lines with the three libraries. Main touches only TorchSharp, and every Pipeline type
// lives in other methods, so nothing of ours is loaded before the first tensor: the host's set-up (the
// module initializer the package compiles into this app, or a notebook's extension script) must already
// have made libtorch loadable. (System.IO is imported for notebooks, which run these files as cells.)
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

using (var t = arange(6, dtype: float32).reshape(2, 3))
    Console.WriteLine($"torch sum: {t.sum().item<float>()}");
SmokeParts.Run();
// TorchSharp copies ~500 MB of natives into a "cpu" folder next to itself when its own probing fails.
Console.WriteLine($"consolidated natives: {Directory.Exists(Path.Combine(Path.GetDirectoryName(typeof(torch).Assembly.Location)!, "cpu"))}");
Console.WriteLine("Smoke test passed");
