using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>tf.data.Dataset.from_tensor_slices(x)</c>: one element per index of <paramref name="tensor"/>'s first axis.
    /// Elements are views of <paramref name="tensor"/> (no copy, like PyTorch's <c>TensorDataset</c>): keep it alive
    /// while iterating and do not modify elements in place. A <c>Batch</c> right after this source yields views of whole
    /// slices too, and <c>Shuffle</c> then <c>Batch</c> gathers each batch with one index_select per tensor.
    /// </summary>
    public static Dataset<Tensor> FromTensorSlices(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var n = FirstDimension(tensor, nameof(tensor));
        var step = new PlanStep("FromTensorSlices", StepKind.Source).With("shape", Shape(tensor), positional: true);
        return new SlicesDataset<Tensor>(step, n, i => tensor.select(0, i), (start, length) => tensor.narrow(0, start, length),
            indices => Take(tensor, indices));
    }

    /// <summary>
    /// <c>from_tensor_slices((x, y))</c>: (features, labels) pairs, one per index of the first axis, which both
    /// tensors must share. Elements are views (see <see cref="FromTensorSlices(Tensor)"/>).
    /// </summary>
    public static Dataset<(Tensor, Tensor)> FromTensorSlices(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var n = FirstDimension(x, nameof(x));
        var m = FirstDimension(y, nameof(y));
        if (n != m)
            throw new ArgumentException($"FromTensorSlices: x and y must have the same length along the first axis, but x has {n} (shape {Shape(x)}) and y has {m} (shape {Shape(y)}).", nameof(y));
        var step = new PlanStep("FromTensorSlices", StepKind.Source).With("shapes", $"({Shape(x)}, {Shape(y)})", positional: true);
        return new SlicesDataset<(Tensor, Tensor)>(step, n, i => (x.select(0, i), y.select(0, i)),
            (start, length) => (x.narrow(0, start, length), y.narrow(0, start, length)),
            indices => { using var index = torch.tensor(indices); return (x.index_select(0, index), y.index_select(0, index)); });
    }

    /// <summary><c>from_tensor_slices((x, y))</c> with the pair as a tuple.</summary>
    public static Dataset<(Tensor, Tensor)> FromTensorSlices((Tensor X, Tensor Y) tensors) => FromTensorSlices(tensors.X, tensors.Y);

    /// <summary>
    /// <c>from_tensor_slices(dict)</c>: named records, one per index of the first axis shared by all tensors.
    /// Elements are new dictionaries of views.
    /// </summary>
    public static Dataset<Dictionary<string, Tensor>> FromTensorSlices(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("FromTensorSlices: the dictionary has no tensors.", nameof(tensors));
        var items = tensors.ToArray();
        var n = FirstDimension(items[0].Value, items[0].Key);
        foreach (var (key, t) in items)
        {
            var m = FirstDimension(t, key);
            if (m != n)
                throw new ArgumentException($"FromTensorSlices: all components must have the same length along the first axis, but '{items[0].Key}' has {n} and '{key}' has {m}.", nameof(tensors));
        }
        var step = new PlanStep("FromTensorSlices", StepKind.Source)
            .With("components", "{" + string.Join(", ", items.Select(kv => $"{kv.Key}: {Shape(kv.Value)}")) + "}", positional: true);
        return new SlicesDataset<Dictionary<string, Tensor>>(step, n, i =>
        {
            var d = new Dictionary<string, Tensor>(items.Length);
            foreach (var (key, t) in items) d[key] = t.select(0, i);
            return d;
        });
    }

    /// <summary>
    /// <c>from_tensor_slices(list)</c> for a .NET array: one element per item, yielded as is (a <c>float[]</c> gives
    /// <c>float</c> elements; a jagged <c>float[][]</c> gives <c>float[]</c> rows). The array is copied.
    /// </summary>
    public static Dataset<T> FromTensorSlices<T>(T[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = (T[])values.Clone();
        var step = new PlanStep("FromTensorSlices", StepKind.Source).With("length", copy.LongLength, positional: true);
        return new SlicesDataset<T>(step, copy.LongLength, i => copy[i]);
    }

    /// <summary><c>from_tensor_slices((a, b))</c> for two .NET arrays of the same length: one pair per index.</summary>
    public static Dataset<(T1, T2)> FromTensorSlices<T1, T2>(T1[] first, T2[] second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Length != second.Length)
            throw new ArgumentException($"FromTensorSlices: both arrays must have the same length, but the first has {first.Length} and the second {second.Length}.", nameof(second));
        var a = (T1[])first.Clone();
        var b = (T2[])second.Clone();
        var step = new PlanStep("FromTensorSlices", StepKind.Source).With("length", a.LongLength, positional: true);
        return new SlicesDataset<(T1, T2)>(step, a.LongLength, i => (a[i], b[i]));
    }

    /// <summary>
    /// <c>from_tensor_slices(ndarray)</c> for a multi-dimensional .NET array such as <c>float[,]</c>: copied into a
    /// tensor, one tensor element per index of the first axis.
    /// </summary>
    public static Dataset<Tensor> FromTensorSlices(Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Rank < 2)
            throw new ArgumentException("FromTensorSlices(Array) takes a multi-dimensional array such as float[,]; pass a one-dimensional T[] to the generic overload.", nameof(array));
        return FromTensorSlices(OwnedCopy(array));
    }

    /// <summary><c>from_tensor_slices(ndarray)</c> for a NumSharp array: copied once into a tensor, then sliced along the first axis.</summary>
    public static Dataset<Tensor> FromTensorSlices(NDArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        return FromTensorSlices(array.ToTensor());
    }

    /// <summary><c>from_tensor_slices((x, y))</c> for NumSharp arrays (e.g. images and labels): copied once, then sliced.</summary>
    public static Dataset<(Tensor, Tensor)> FromTensorSlices(NDArray x, NDArray y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return FromTensorSlices(x.ToTensor(), y.ToTensor());
    }

    static Tensor Take(Tensor tensor, long[] indices)
    {
        using var index = torch.tensor(indices);
        return tensor.index_select(0, index);
    }

    static Tensor OwnedCopy(Array array)
    {
        // from_array pins the managed array and shares its memory; the clone makes the dataset independent of it.
        using var shared = torch.from_array(array);
        return shared.clone();
    }

    static long FirstDimension(Tensor t, string name)
    {
        if (t.dim() == 0)
            throw new ArgumentException($"FromTensorSlices: '{name}' is a scalar (shape []); slicing needs at least one axis.", name);
        return t.shape[0];
    }

    static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
