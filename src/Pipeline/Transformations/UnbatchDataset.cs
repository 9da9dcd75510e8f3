using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary><c>Unbatch</c>: splits each batch along its first axis into elements (the inverse of Batch).</summary>
sealed class UnbatchDataset<T>(Dataset<T> input) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Unbatch", StepKind.FlatMap);

    internal override ElementSpec? InferElementSpec() => Input.InferElementSpec() is { } spec ? ElementSpecs.Unbatched(spec) : null;

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

    static List<T> Split(T batch, string stage, long index) =>
        batch is Tensor t ? [.. Rows(t, stage, index, null).Select(r => (T)(object)r)] : [.. SplitObject(typeof(T), batch!, stage, index, null).Select(x => (T)x)];

    /// <summary>The rows of a batch of any supported structure; on error, disposes the rows made so far.</summary>
    static object[] SplitObject(Type type, object batch, string stage, long index, string? component)
    {
        if (batch is Tensor tensor) return Rows(tensor, stage, index, component);
        if (Structures.Is(type)) return Structures.Unbatch(type, batch);
        if (batch is ITuple tuple && type.IsValueType && type.IsGenericType)
        {
            var columns = new List<object[]>(tuple.Length);
            try
            {
                for (var c = 0; c < tuple.Length; c++)
                    columns.Add(SplitObject(type.GetGenericArguments()[c], tuple[c]!, stage, index, component is null ? $"{c}" : $"{component}.{c}"));
                CheckLengths(columns.Select((col, c) => (component is null ? $"{c}" : $"{component}.{c}", col.Length)), stage, index);
            }
            catch
            {
                foreach (var col in columns) foreach (var r in col) Elements.Visit(r, d => d.Dispose());
                throw;
            }
            var n = columns.Count == 0 ? 0 : columns[0].Length;
            return [.. Enumerable.Range(0, n).Select(i => Activator.CreateInstance(type, columns.Select(col => col[i]).ToArray())!)];
        }
        if (batch is Dictionary<string, Tensor> record)
        {
            var columns = new Dictionary<string, Tensor[]>(record.Count);
            try
            {
                foreach (var (key, value) in record) columns[key] = Rows(value, stage, index, key);
                CheckLengths(columns.Select(c => ($"'{c.Key}'", c.Value.Length)), stage, index);
            }
            catch
            {
                foreach (var r in columns.Values.SelectMany(c => c)) r.Dispose();
                throw;
            }
            var n = columns.Count == 0 ? 0 : columns.Values.First().Length;
            return [.. Enumerable.Range(0, n).Select(i => (object)columns.ToDictionary(c => c.Key, c => c.Value[i]))];
        }
        throw new NotSupportedException($"{stage}: cannot split elements of type {type.Name}; Unbatch splits Tensor, tuples of Tensor, Dictionary<string, Tensor> and IElementStructure<T> types along their first axis.");
    }

    static void CheckLengths(IEnumerable<(string Name, int Length)> columns, string stage, long index)
    {
        var all = columns.ToList();
        if (all.Any(c => c.Length != all[0].Length))
            throw new InvalidOperationException($"{stage}: batch {index} has components of different lengths: " + string.Join(", ", all.Select(c => $"component {c.Name} has {c.Length} rows")) + ".");
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
