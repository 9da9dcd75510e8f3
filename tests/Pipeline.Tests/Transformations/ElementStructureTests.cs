using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

/// <summary>
/// Element structures batch like tf.data's: scalars into 1-D tensors, tuples (nested too) and dictionaries component by
/// component, and types of your own through IElementStructure&lt;T&gt;; Unbatch, PaddedBatch and Cache handle the same.
/// </summary>
public class ElementStructureTests
{
    [Fact]
    public void Slices_of_two_arrays_batch_into_one_dimensional_tensors()
    {
        var ds = Dataset.FromTensorSlices(new[] { 0.1f, 0.2f, 0.3f }, new[] { 1L, 0, 1 }).Batch(2);
        var batches = ds.ToList();
        Assert.Equal(2, batches.Count);
        var (x, y) = batches[0];
        using (x) using (y)
        {
            Assert.Equal(ScalarType.Float32, x.dtype);
            Assert.Equal(ScalarType.Int64, y.dtype);
            Assert.Equal([0.1f, 0.2f], x.data<float>().ToArray());
            Assert.Equal([1L, 0], y.data<long>().ToArray());
        }
        using (batches[1].Item1) using (batches[1].Item2) Assert.Equal([1L], batches[1].Item2.shape);
        Assert.Equal(2, ds.Cardinality());
    }

    [Fact]
    public void Tensor_and_scalar_label_pairs_batch_into_a_tensor_pair()
    {
        var ds = Dataset.Range(4).Map(i => (torch.full([2], i, dtype: ScalarType.Float32), (int)i * 10)).Batch(4);
        var (x, y) = Assert.Single(ds.ToList());
        using (x) using (y)
        {
            Assert.Equal([4L, 2], x.shape);
            Assert.Equal(ScalarType.Int32, y.dtype);
            Assert.Equal([0, 10, 20, 30], y.data<int>().ToArray());
        }
    }

    [Fact]
    public void Nested_tuples_batch_and_unbatch_component_by_component()
    {
        var ds = Dataset.Range(5).Map(i => (torch.tensor(i), (torch.full([3], i), torch.tensor(-i))));
        var batched = ds.Batch(2).ToList();
        var (a, (b, c)) = batched[0];
        using (a) using (b) using (c)
        {
            Assert.Equal([2L, 3], b.shape);
            Assert.Equal([0L, -1], c.data<long>().ToArray());
        }
        foreach (var (p, (q, r)) in batched.Skip(1)) { p.Dispose(); q.Dispose(); r.Dispose(); }
        var rows = ds.Batch(2).Unbatch().Select(e =>
        {
            using (e.Item1) using (e.Item2.Item1) using (e.Item2.Item2) return (e.Item1.item<long>(), e.Item2.Item1.sum().item<long>(), e.Item2.Item2.item<long>());
        }).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ((long)i, 3L * i, (long)-i)), rows);
    }

    [Fact]
    public void PaddedBatch_pads_every_component_of_a_dictionary()
    {
        var ds = Dataset.Range(1, 4).Map(i => new Dictionary<string, Tensor> { ["ids"] = torch.arange(i), ["len"] = torch.tensor(i) }).PaddedBatch(3, paddingValue: -1);
        var batch = Assert.Single(ds.ToList());
        using (batch["ids"]) using (batch["len"])
        {
            Assert.Equal([3L, 3], batch["ids"].shape);
            Assert.Equal([0L, -1, -1, 0, 1, -1, 0, 1, 2], batch["ids"].data<long>().ToArray());
            Assert.Equal([1L, 2, 3], batch["len"].data<long>().ToArray());
        }
    }

    /// <summary>A structure of a user's own: a point cloud with a variable number of points and a class.</summary>
    sealed class Cloud(Tensor points, long label) : IElementStructure<Cloud>
    {
        public Tensor Points { get; } = points;
        public long Label { get; } = label;
        public IEnumerable<object> Components => [Points];
        public static Cloud Batch(IReadOnlyList<Cloud> elements, double? paddingValue) =>
            throw new NotSupportedException("clouds of different sizes: use a collation");
        public IReadOnlyList<Cloud> Unbatch() => throw new NotSupportedException();
        public Cloud Share() => new(Points.alias(), Label);
        public void Write(BinaryWriter writer) { ElementCodec.Write(writer, Points); writer.Write(Label); }
        public static Cloud Read(BinaryReader reader) => new(ElementCodec.Read<Tensor>(reader), reader.ReadInt64());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_structure_of_your_own_caches_in_memory_and_on_disk(bool toFile)
    {
        var path = Path.Combine(Path.GetTempPath(), $"clouds-{Guid.NewGuid():N}.cache");
        try
        {
            var ds = Dataset.Range(3).Map(i => new Cloud(torch.ones(i + 1, 3) * i, 7 + i)).Cache(toFile ? path : null);
            for (var epoch = 0; epoch < 2; epoch++)
            {
                var seen = ds.Select(c => { using (c.Points) return (c.Points.shape[0], c.Points.sum().item<float>(), c.Label); }).ToList();
                Assert.Equal([(1L, 0f, 7L), (2L, 6f, 8L), (3L, 18f, 9L)], seen);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_map_keeps_the_components_of_a_structure_it_returns_and_frees_the_others()
    {
        var kept = new List<Tensor>();
        var dropped = new List<Tensor>();
        var ds = Dataset.Range(2).Map(i => (new Cloud(torch.ones(2, 3), i), torch.zeros(1))).Map(p =>
        {
            kept.Add(p.Item1.Points);
            dropped.Add(p.Item2);
            return p.Item1;
        });
        foreach (var c in ds) c.Points.Dispose();
        Assert.All(dropped, t => Assert.True(t.IsInvalid));
        Assert.Equal(2, kept.Count);
    }
}
