using NumSharp;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static Pipeline.Models.Tests.Saving.SavingTestKit;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// Dense keeps its kernel in Keras's (in, units) layout, so saving writes its memory as it is and loading reads a file
/// straight into the weights; a file cut short or with a dataset outside it is still refused before any weight changes.
/// </summary>
public class DirectLoadTests
{
    // The kernels (64 x 300 and 300 x 64 floats, 75 KiB each) are stored as contiguous blocks, the small weights
    // inside their HDF5 object headers (compact): both ways of reading are exercised.
    static Sequential Mlp(int seed)
    {
        manual_seed(seed);
        var model = new Sequential(
        [
            new Input([64]),
            new Dense(300, activation: "relu"),
            new LayerNormalization(),
            new Dense(64, activation: "softmax", name: "head"),
        ]);
        model.Compile("adam", "sparse_categorical_crossentropy");
        return model;
    }

    [Fact]
    public void Dense_computes_inputs_times_its_Keras_layout_kernel_plus_bias()
    {
        manual_seed(3);
        var dense = new Dense(3);
        using var x = randn(4, 5);
        using var y = dense.Apply(x);
        Assert.Equal([5L, 3], dense.Kernel!.Shape);
        using var kernel = dense.Kernel.Value;
        using var expected = x.matmul(kernel) + dense.Bias!.Value;
        Assert.True(y.allclose(expected, rtol: 1e-6, atol: 1e-6));
        // A 3-D input multiplies on its last axis.
        using var x3 = randn(2, 4, 5);
        using var y3 = dense.Apply(x3);
        using var expected3 = x3.matmul(kernel) + dense.Bias.Value;
        Assert.True(y3.allclose(expected3, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void The_saved_Dense_kernel_is_the_Keras_layout_value_bit_for_bit()
    {
        using var folder = new TempDir();
        using var model = Mlp(1);
        var path = folder.File("mlp.weights.h5");
        model.SaveWeights(path);
        using var reader = H5Reader.Open(path);
        var entries = KerasWeightsFile.Read(reader);
        try
        {
            var dense = (Dense)model.GetLayer("head");
            var stored = entries["layers/dense_1"].Values[0];
            Assert.Equal([300L, 64], stored.Shape);
            AssertBitIdentical(dense.Kernel!.Numpy(), stored.Value.detach().ToNDArray());
        }
        finally
        {
            foreach (var e in entries.Values) e.Dispose();
        }
    }

    [Theory]
    [InlineData(".weights.h5")]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void LoadWeights_into_an_existing_model_gives_bit_identical_weights_and_predictions(string extension)
    {
        using var folder = new TempDir();
        using var saved = Mlp(1);
        using var other = Mlp(2);
        var path = folder.File("mlp" + extension);
        if (extension == ".weights.h5") saved.SaveWeights(path);
        else saved.Save(path);
        var x = np.random.RandomState(0).randn(7, 64).astype(np.float32);
        var before = other.Predict(x, verbose: 0);
        other.LoadWeights(path);
        for (int i = 0; i < saved.Weights.Count; i++) AssertBitIdentical(saved.Weights[i].Numpy(), other.Weights[i].Numpy());
        AssertBitIdentical(saved.Predict(x, verbose: 0), other.Predict(x, verbose: 0));
        Assert.NotEqual(before.ToArray<float>(), other.Predict(x, verbose: 0).ToArray<float>());
    }

    [Fact]
    public void LoadModel_of_each_format_predicts_bit_identically()
    {
        using var folder = new TempDir();
        using var saved = Mlp(1);
        var x = np.random.RandomState(1).randn(5, 64).astype(np.float32);
        foreach (var extension in new[] { ".keras", ".h5" })
        {
            var path = folder.File("mlp" + extension);
            saved.Save(path);
            using var loaded = Models.LoadModel(path);
            AssertBitIdentical(saved.Predict(x, verbose: 0), loaded.Predict(x, verbose: 0));
        }
    }

    [Fact]
    public void A_weights_file_cut_inside_its_data_is_refused_and_changes_no_weight()
    {
        using var folder = new TempDir();
        using var saved = Mlp(1);
        var path = folder.File("mlp.weights.h5");
        saved.SaveWeights(path);
        // h5py says where the dataset stored last in the file lies; the cut falls inside its bytes.
        var (_, offset, size) = LastDataset(path);
        var bytes = File.ReadAllBytes(path);
        var cut = folder.File("cut.weights.h5");
        File.WriteAllBytes(cut, bytes[..(int)(offset + size / 2)]);
        using var other = Mlp(2);
        var before = other.Weights.Select(w => w.Numpy()).ToArray();
        var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(cut));
        Assert.Contains("cut.weights.h5", e.Message);
        for (int i = 0; i < before.Length; i++) AssertBitIdentical(before[i], other.Weights[i].Numpy());
    }

    [Fact]
    public void A_dataset_whose_bytes_lie_outside_the_file_is_refused_naming_it_and_changes_no_weight()
    {
        using var folder = new TempDir();
        using var saved = Mlp(1);
        var path = folder.File("mlp.weights.h5");
        saved.SaveWeights(path);
        var (dataset, offset, _) = LastDataset(path);
        // Corrupt the dataset's address (8 bytes, little-endian, in its layout message) to point past the end of the
        // file: the file's structure still reads, its data cannot, and the load must notice before writing anything.
        var bytes = File.ReadAllBytes(path);
        var address = BitConverter.GetBytes(offset);
        var at = Enumerable.Range(0, bytes.Length - 8).Where(i => bytes.AsSpan(i, 8).SequenceEqual(address)).ToList();
        Assert.Single(at);
        BitConverter.GetBytes((long)bytes.Length + 4096).CopyTo(bytes, at[0]);
        var corrupt = folder.File("corrupt.weights.h5");
        File.WriteAllBytes(corrupt, bytes);
        using var other = Mlp(2);
        var before = other.Weights.Select(w => w.Numpy()).ToArray();
        var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(corrupt));
        Assert.Contains("corrupt.weights.h5", e.Message);
        Assert.True(e.Message.Contains(dataset, StringComparison.Ordinal), e.Message);
        for (int i = 0; i < before.Length; i++) AssertBitIdentical(before[i], other.Weights[i].Numpy());
    }

    static (string Dataset, long Offset, long Size) LastDataset(string path)
    {
        const string Script = """
            import h5py, sys
            found = []
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and obj.id.get_offset() is not None and obj.size > 1:
                    found.append((obj.id.get_offset(), obj.id.get_storage_size(), name))
            with h5py.File(sys.argv[1], "r") as f:
                f.visititems(visit)
            offset, size, name = max(found)
            print(name, offset, size)
            """;
        var output = Python(Script, path);
        var parts = output.Trim().Split(' ');
        return (parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
