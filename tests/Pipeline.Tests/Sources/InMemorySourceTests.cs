using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Sources;

public class InMemorySourceTests
{
    [Fact]
    public void FromTensorSlices_of_a_2D_array_yields_its_rows_as_tensors()
    {
        var rows = Dataset.FromTensorSlices(new float[,] { { 0.1f, 0 }, { 0.2f, 0 }, { 0.3f, 1 } })
            .Select(t => { using (t) return t.data<float>().ToArray(); }).ToList();
        Assert.Equal([[0.1f, 0f], [0.2f, 0f], [0.3f, 1f]], rows);
    }

    [Fact]
    public void FromTensorSlices_of_a_2D_array_does_not_see_later_changes_to_the_array()
    {
        var data = new float[,] { { 1, 2 }, { 3, 4 } };
        var ds = Dataset.FromTensorSlices(data);
        data[0, 0] = 99;
        using var first = ds.First();
        Assert.Equal(1f, first[0].item<float>());
    }

    [Fact]
    public void FromTensorSlices_of_NumSharp_images_and_labels_pairs_them()
    {
        var images = np.arange(4 * 2 * 2 * 3).reshape(4, 2, 2, 3).astype(np.uint8);
        var labels = np.array(new long[] { 7, 8, 9, 10 });
        var pairs = Dataset.FromTensorSlices(images, labels).Batch(2).ToList();
        Assert.Equal([2L, 2, 2, 3], pairs[0].Item1.shape);
        Assert.Equal(ScalarType.Byte, pairs[0].Item1.dtype);
        Assert.Equal([9L, 10], pairs[1].Item2.data<long>().ToArray());
        foreach (var (a, b) in pairs) { a.Dispose(); b.Dispose(); }
    }

    [Fact]
    public void FromTensorSlices_rejects_a_scalar_and_records_of_different_lengths()
    {
        using var scalar = torch.tensor(3f);
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(scalar)).Message);
        using var a = torch.zeros(3);
        using var b = torch.zeros(4);
        var error = Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }));
        Assert.Contains("'b' has 4", error.Message);
    }

    [Fact]
    public void Unbatch_splits_named_records_and_pairs()
    {
        using var pixels = torch.arange(6).reshape(3, 2);
        using var label = torch.arange(3);
        var records = Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["pixels"] = pixels, ["label"] = label }).Batch(2).Unbatch().ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(2L, records[2]["label"].item<long>());
        foreach (var r in records) foreach (var t in r.Values) t.Dispose();

        var pairs = Dataset.FromTensorSlices(pixels, label).Batch(2).Unbatch().Select(p => { using (p.Item1) using (p.Item2) return p.Item2.item<long>(); });
        Assert.Equal([0L, 1, 2], pairs);
    }

    [Fact]
    public void PaddedBatch_pads_each_component_of_a_pair()
    {
        var ds = Dataset.Range(1, 4).Map(n => (torch.ones(n), torch.full(n, 2L))).PaddedBatch(3, paddingValue: -1);
        var (a, b) = ds.Single();
        using (a) using (b)
        {
            Assert.Equal([3L, 3], a.shape);
            Assert.Equal([1f, -1, -1, 1, 1, -1, 1, 1, 1], a.data<float>().ToArray());
            Assert.Equal([2L, -1, -1, 2, 2, -1, 2, 2, 2], b.data<long>().ToArray());
        }
    }

    [Fact]
    public void TextLineDataset_names_a_missing_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.txt");
        var error = Assert.Throws<IOException>(() => Dataset.TextLineDataset(missing).ToList());
        Assert.Contains(missing, error.Message);
    }
}
