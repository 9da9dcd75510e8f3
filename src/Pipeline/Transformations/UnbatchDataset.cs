using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary><c>Unbatch</c>: splits each batch along its first axis into elements (the inverse of Batch).</summary>
sealed class UnbatchDataset<T>(Dataset<T> input) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Unbatch", StepKind.FlatMap);

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        long index = 0;
        foreach (var batch in Input.Read(context))
        {
            List<T> parts;
            try
            {
                parts = Split(batch, Stage, index++);
            }
            finally
            {
                Elements.Dispose(batch);
            }
            var next = 0;
            try
            {
                while (next < parts.Count) yield return parts[next++];
            }
            finally
            {
                for (var i = next; i < parts.Count; i++) Elements.Dispose(parts[i]);
            }
        }
    }

    static List<T> Split(T batch, string stage, long index)
    {
        switch (batch)
        {
            case Tensor t:
                return [.. Rows(t, stage, index, null).Select(r => (T)(object)r)];
            case ValueTuple<Tensor, Tensor> pair:
                {
                    var a = Rows(pair.Item1, stage, index, "0");
                    var b = Rows(pair.Item2, stage, index, "1");
                    if (a.Length != b.Length)
                    {
                        foreach (var r in a.Concat(b)) r.Dispose();
                        throw new InvalidOperationException($"{stage}: batch {index} has components of different lengths: component 0 has {a.Length} rows, component 1 has {b.Length}.");
                    }
                    return [.. a.Zip(b, (x, y) => (T)(object)(x, y))];
                }
            case Dictionary<string, Tensor> record:
                {
                    var columns = record.ToDictionary(kv => kv.Key, kv => Rows(kv.Value, stage, index, kv.Key));
                    var n = columns.Values.First().Length;
                    if (columns.Any(c => c.Value.Length != n))
                    {
                        foreach (var r in columns.Values.SelectMany(c => c)) r.Dispose();
                        throw new InvalidOperationException($"{stage}: batch {index} has components of different lengths: " + string.Join(", ", columns.Select(c => $"'{c.Key}' has {c.Value.Length}")) + ".");
                    }
                    return [.. Enumerable.Range(0, n).Select(i => (T)(object)columns.ToDictionary(c => c.Key, c => c.Value[i]))];
                }
            default:
                throw new NotSupportedException($"{stage}: cannot split elements of type {typeof(T).Name}; Unbatch splits Tensor, (Tensor, Tensor) and Dictionary<string, Tensor> along their first axis.");
        }
    }

    static Tensor[] Rows(Tensor t, string stage, long index, string? component)
    {
        if (t.dim() == 0)
            throw new InvalidOperationException($"{stage}: batch {index}{(component is null ? "" : $" component '{component}'")} is a scalar; Unbatch needs at least one axis.");
        var n = t.shape[0];
        var rows = new Tensor[n];
        // Rows are views: the batch's storage lives until the last row is disposed.
        for (long i = 0; i < n; i++) rows[i] = t.select(0, i).DetachFromDisposeScope();
        return rows;
    }
}
