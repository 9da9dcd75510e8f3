using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Core;

/// <summary><c>ElementSpec</c>: structure, dtypes and shapes as TensorFlow's <c>element_spec</c> prints them.</summary>
public class ElementSpecTests
{
    static string F32(string shape) => $"TensorSpec(shape={shape}, dtype=tf.float32, name=None)";

    static string I64(string shape) => $"TensorSpec(shape={shape}, dtype=tf.int64, name=None)";

    [Fact]
    public void Batching_images_and_labels_leaves_the_batch_dimension_unknown_unless_the_remainder_is_dropped()
    {
        using var images = torch.zeros(10, 32, 32, 3);
        using var labels = torch.zeros(10, dtype: ScalarType.Int64);
        var slices = Dataset.FromTensorSlices(images, labels);
        Assert.Equal($"({F32("(32, 32, 3)")}, {I64("()")})", slices.ElementSpec.ToString());
        Assert.Equal($"({F32("(None, 32, 32, 3)")}, {I64("(None,)")})", slices.Shuffle(10, seed: 1).Batch(4).Prefetch(2).ElementSpec.ToString());
        Assert.Equal($"({F32("(4, 32, 32, 3)")}, {I64("(4,)")})", slices.Batch(4, dropRemainder: true).ElementSpec.ToString());
        Assert.Equal($"({F32("(32, 32, 3)")}, {I64("()")})", slices.Batch(4).Unbatch().ElementSpec.ToString());
        var spec = slices.Batch(4).ElementSpec;
        Assert.Null(spec.Items![0].Tensor!.Shape[0]);
        Assert.Equal("float32", spec.Items[0].Tensor!.DType);
    }

    [Fact]
    public void Scalars_and_strings_have_scalar_specs_and_batch_into_vectors()
    {
        Assert.Equal(I64("()"), Dataset.Range(5).ElementSpec.ToString());
        Assert.Equal($"(TensorSpec(shape=(None,), dtype=tf.float32, name=None), {I64("(None,)")})",
            Dataset.FromTensorSlices(new[] { 0.1f, 0.2f }, new[] { 1L, 0 }).Batch(2).ElementSpec.ToString());
        Assert.Equal("TensorSpec(shape=(), dtype=tf.string, name=None)", Dataset.FromTensorSlices(new[] { "a", "b" }).ElementSpec.ToString());
    }

    [Fact]
    public void Map_functions_are_followed_and_dimensions_that_depend_on_unknown_ones_are_unknown()
    {
        using var x = torch.zeros(10, 2, 3);
        var batched = Dataset.FromTensorSlices(x).Batch(4);
        Assert.Equal(F32("(None, 6)"), batched.Map(t => t.reshape(-1, 6)).ElementSpec.ToString());
        Assert.Equal(F32("(2, 3)"), batched.Map(t => t.mean([0L])).ElementSpec.ToString());
        Assert.Equal($"{{'x': {F32("(None, 2, 3)")}, 'n': {I64("()")}}}",
            batched.Map(t => new Dictionary<string, Tensor> { ["x"] = t, ["n"] = torch.tensor(t.shape[0]) }).ElementSpec.ToString());
        Assert.Equal($"({F32("(None, 2, 3)")},)", batched.PaddedBatch(2).Map(t => ValueTuple.Create(t[0])).ElementSpec.ToString());
        // PaddedBatch keeps the dimensions every element shares; the two batch dimensions are unknown.
        Assert.Equal(F32("(None, None, 2, 3)"), batched.PaddedBatch(2).Map(t => t.alias()).ElementSpec.ToString());
    }

    [Fact]
    public void Where_the_plan_cannot_tell_the_first_element_is_observed()
    {
        var calls = 0;
        var generated = Dataset.FromGenerator(() => Enumerable.Range(0, 3).Select(i => { calls++; return torch.ones(i + 2, 5); }));
        Assert.Equal(F32("(2, 5)"), generated.ElementSpec.ToString());
        Assert.Equal(1, calls);
        var empty = Dataset.FromGenerator(() => Enumerable.Empty<Tensor>());
        var error = Assert.Throws<InvalidOperationException>(() => empty.ElementSpec);
        Assert.Contains("yields no element", error.Message);
    }
}
