using System.Diagnostics;
using NumSharp;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>Small models of the three kinds, a python3 runner, and exact comparisons for the saving tests (temporary folders: TempDir).</summary>
internal static class SavingTestKit
{
    internal static Sequential SequentialCnn() => new(
    [
        new Input([8, 8, 1]),
        new Conv2D(4, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(3, activation: "softmax"),
    ]);

    internal static Model FunctionalCnn()
    {
        var inputs = new Input([8, 8, 1]);
        var x = new Conv2D(4, 3, padding: "same", activation: "relu").Apply(inputs);
        x = new MaxPooling2D(2).Apply(x);
        x = new Flatten().Apply(x);
        var outputs = new Dense(3, activation: "softmax").Apply(x);
        return new Model(inputs, outputs, name: "functional_cnn");
    }

    internal static Model SubclassedCnn()
    {
        var model = new SmallSubclassedCnn(units: 3);
        model.Build([8, 8, 1]);
        return model;
    }

    /// <summary>
    /// Runs <paramref name="script"/> with Debian's python3 (h5py: edits a file as Python Keras would have written it);
    /// the script gets <paramref name="arguments"/> as <c>sys.argv[1:]</c>. Returns what it printed.
    /// </summary>
    internal static string Python(string script, params string[] arguments) => RunPython(["-c", script, .. arguments]);

    /// <summary>Runs the script file <paramref name="path"/> with Debian's python3 (h5py) and returns its standard output.</summary>
    internal static string PythonScript(string path, params string[] arguments) => RunPython([path, .. arguments]);

    static string RunPython(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var python = Process.Start(start)!;
        // Standard output drains in the background while standard error is read, so neither pipe can fill and block python.
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python3 with h5py failed (is python3-h5py installed? .ci/run installs it): {stderr}");
        return stdout.Result;
    }

    /// <summary>True when every element of the two arrays has the same bits.</summary>
    internal static void AssertBitIdentical(NDArray expected, NDArray actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var a = expected.ToArray<float>();
        var b = actual.ToArray<float>();
        for (int i = 0; i < a.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(a[i]) == BitConverter.SingleToInt32Bits(b[i]), $"element {i}: {a[i]:R} != {b[i]:R}");
    }
}

/// <summary>A subclassed model as a user writes one: layers in fields, a Call with them, registered for saving.</summary>
[KerasSerializable(package: "SavingTests")]
public sealed class SmallSubclassedCnn : Model
{
    readonly Conv2D _conv;
    readonly MaxPooling2D _pool = new(2);
    readonly Flatten _flatten = new();
    readonly Dense _classifier;

    public SmallSubclassedCnn(int units, string? name = null) : base(name)
    {
        Units = units;
        _conv = new Conv2D(4, 3, padding: "same", activation: "relu");
        _classifier = new Dense(units, activation: "softmax");
    }

    public int Units { get; }

    public override Tensor Call(Tensor inputs, bool training = false) =>
        _classifier.Apply(_flatten.Apply(_pool.Apply(_conv.Apply(inputs, training), training), training), training);

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = Units;
        return config;
    }
}
