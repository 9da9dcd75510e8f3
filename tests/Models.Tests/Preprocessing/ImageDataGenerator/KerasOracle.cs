using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>
/// Runs keras_oracle.py (Debian's python3-keras-preprocessing and python3-scipy, installed by .ci/run) once over a
/// set of cases and hands back each case's expected output. Inputs travel as raw float32 files, so both sides
/// transform exactly the same pixels.
/// </summary>
internal sealed class KerasOracle : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("imagegen-oracle-").FullName;
    readonly List<Dictionary<string, object>> _cases = [];
    readonly List<long[]> _shapes = [];

    /// <summary>Adds a case for <paramref name="image"/> (height, width, channels); returns its number.</summary>
    public int Add(Tensor image, Dictionary<string, object> request)
    {
        int id = _cases.Count;
        var input = Path.Combine(_folder, $"in{id}.f32");
        using (var f = image.to_type(ScalarType.Float32).contiguous().cpu())
            File.WriteAllBytes(input, System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.data<float>().ToArray().AsSpan()).ToArray());
        request["input"] = input;
        request["shape"] = image.shape;
        request["output"] = Path.Combine(_folder, $"out{id}.f32");
        _cases.Add(request);
        _shapes.Add(image.shape);
        return id;
    }

    /// <summary>Runs the oracle over every case added so far.</summary>
    public void Run()
    {
        var casesFile = Path.Combine(_folder, "cases.json");
        File.WriteAllText(casesFile, JsonSerializer.Serialize(_cases));
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Preprocessing", "ImageDataGenerator", "keras_oracle.py"));
        start.ArgumentList.Add(casesFile);
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        _ = stdout.Result;
        if (python.ExitCode != 0)
            throw new InvalidOperationException($"keras_oracle.py failed (are python3-keras-preprocessing, python3-scipy and python3-pil installed? .ci/run installs them): {stderr}");
    }

    /// <summary>The oracle's output for case <paramref name="id"/>, float32 (height, width, channels).</summary>
    public Tensor Expected(int id)
    {
        var bytes = File.ReadAllBytes((string)_cases[id]["output"]);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        return tensor(values, _shapes[id]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Three real photos (cats-vs-dogs fixture), resized to 40 x 48 RGB float32 0-255: small, non-square.</summary>
    public static Tensor[] Photos()
    {
        string[] files = ["train/cats/cat.1.jpg", "train/dogs/dog.7.jpg", "test/cats/cat.4003.jpg"];
        return [.. files.Select(file =>
        {
            using var decoded = Image.DecodeJpeg(File.ReadAllBytes(RepositoryPaths.Fixture("cats-vs-dogs", file)));
            using var resized = Image.Resize(decoded, 40, 48, "bilinear", antialias: true);
            return resized.round().clamp(0, 255).to_type(ScalarType.Float32);
        })];
    }
}
