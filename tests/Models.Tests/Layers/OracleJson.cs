using System.Text.Json;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Reads the oracle fixtures (JSON written by the make_*fixtures.py scripts beside them) from the source tree.</summary>
internal static class OracleJson
{
    internal static JsonElement Load(string folder, string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Models.Tests", folder, file))).RootElement;

    /// <summary>A nested JSON array of numbers as a float32 tensor of the same shape.</summary>
    internal static Tensor ToTensor(JsonElement nested, ScalarType dtype = ScalarType.Float32)
    {
        var values = new List<double>();
        var shape = new List<long>();
        void Walk(JsonElement e, int depth)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                if (shape.Count == depth) shape.Add(e.GetArrayLength());
                foreach (var x in e.EnumerateArray()) Walk(x, depth + 1);
            }
            else values.Add(e.GetDouble());
        }
        Walk(nested, 0);
        return tensor(values.ToArray()).reshape([.. shape]).to_type(dtype);
    }

    internal static string Show(Tensor t) => "[" + string.Join(", ", t.to_type(ScalarType.Float64).flatten().data<double>().ToArray()) + "]";

    internal static void AssertClose(Tensor expected, Tensor actual, string what, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.to_type(ScalarType.Float64);
        using var e = expected.to_type(ScalarType.Float64);
        Assert.True(a.allclose(e, rtol, atol), $"{what}: got {Show(actual)}, expected {Show(expected)}");
    }
}
