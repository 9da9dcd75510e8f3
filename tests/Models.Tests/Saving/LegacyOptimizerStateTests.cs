using Pipeline.Models.Saving;
using Pipeline.Runtime;
using static Pipeline.Models.Tests.Saving.SavingTestKit;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// The optimizer state of Keras 2 full-model .h5 files (group <c>optimizer_weights</c>): read from the files Keras 2.4
/// and 2.14 wrote (two naming schemes), written by <c>Save("m.h5")</c> in Keras 2.11+'s scheme, and refused with
/// Keras's warning when it does not fit the optimizer. That training continues exactly after a .h5 round trip, for every
/// optimizer, is in <see cref="ModelRoundTripTests"/>.
/// </summary>
public class LegacyOptimizerStateTests
{
    static string FullModel(string file) => RepositoryPaths.Fixture("keras-full-model-h5", file);

    /// <summary>The optimizer's state tensor <paramref name="slot"/> of weight <paramref name="weightPath"/>, in Keras's layout.</summary>
    static Tensor Slot(Model model, string weightPath, string slot)
    {
        var s = model.OptimizerSlotsIfAny()!.Single(s => s.Variable.Path == weightPath && s.Name == slot);
        return s.Variable.ToKerasLayout(s.Slot);
    }

    static void AssertSlotEquals(H5Reader file, string dataset, Model model, string weightPath, string slot)
    {
        using var expected = file.ReadTensor(dataset);
        using var actual = Slot(model, weightPath, slot);
        using var sum = expected.abs().sum();
        Assert.True(sum.item<float>() != 0, $"{dataset} is not all zeros (else the test proves nothing)");
        Assert.Equal(expected.shape, actual.shape);
        using var same = expected.eq(actual).all();
        Assert.True(same.item<bool>(), $"{slot} of {weightPath} equals {dataset}");
    }

    [Fact]
    public void Keras_2_4_state_named_Adam_weight_slot_loads_into_Adam()
    {
        // vww_96.h5: Adam/iter:0, then Adam/<weight>/m:0 for every weight, then every .../v:0.
        using var model = Models.LoadModel(FullModel("vww_96.h5"));
        using var file = H5Reader.Open(FullModel("vww_96.h5"));
        using var iterations = file.ReadTensor("optimizer_weights/Adam/iter:0");
        Assert.True(iterations.item<long>() > 0);
        Assert.Equal(iterations.item<long>(), model.Optimizer!.Iterations);
        Assert.Equal(220, model.OptimizerSlotsIfAny()!.Count);
        AssertSlotEquals(file, "optimizer_weights/Adam/dense/kernel/m:0", model, "dense/kernel", "momentum");
        AssertSlotEquals(file, "optimizer_weights/Adam/conv2d_13/kernel/v:0", model, "conv2d_13/kernel", "velocity");
        AssertSlotEquals(file, "optimizer_weights/Adam/depthwise_conv2d_5/depthwise_kernel/v:0", model, "depthwise_conv2d_5/depthwise_kernel", "velocity");
    }

    [Fact]
    public void Keras_2_14_state_named_Adam_slot_weight_loads_into_Adam()
    {
        // str_ww_ref_model.h5: iteration:0, then Adam/m/<weight>:0 and Adam/v/<weight>:0 weight by weight.
        using var model = Models.LoadModel(FullModel("str_ww_ref_model.h5"));
        using var file = H5Reader.Open(FullModel("str_ww_ref_model.h5"));
        using var iterations = file.ReadTensor("optimizer_weights/iteration:0");
        Assert.True(iterations.item<long>() > 0);
        Assert.Equal(iterations.item<long>(), model.Optimizer!.Iterations);
        Assert.Equal(36, model.OptimizerSlotsIfAny()!.Count);
        AssertSlotEquals(file, "optimizer_weights/Adam/m/dense/kernel:0", model, "dense/kernel", "momentum");
        AssertSlotEquals(file, "optimizer_weights/Adam/v/depthwise_conv2d/depthwise_kernel:0", model, "depthwise_conv2d/depthwise_kernel", "velocity");
    }

    [Fact]
    public void Our_h5_names_the_state_as_Keras_2_11_and_later_do_in_Keras_order()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(16, seed: 2);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        var path = folder.File("m.h5");
        model.Save(path);

        using var file = H5Reader.Open(path);
        var names = file.StringsAttribute(file.Group("optimizer_weights"), "weight_names", "optimizer_weights");
        var weights = model.TrainableWeights;
        string[] expected = ["iteration:0", .. weights.SelectMany(w => new[] { $"Adam/m/{w.Path}:0", $"Adam/v/{w.Path}:0" })];
        Assert.Equal(expected, names);
        using var iterations = file.ReadTensor("optimizer_weights/iteration:0");
        Assert.Equal(ScalarType.Int64, iterations.dtype);
        Assert.Equal(1L, iterations.item<long>());
        using var kernelVelocity = file.ReadTensor($"optimizer_weights/Adam/v/{weights[0].Path}:0");
        Assert.Equal(weights[0].Shape, kernelVelocity.shape);
    }

    [Fact]
    public void State_of_another_optimizer_is_skipped_with_Keras_warning_and_the_weights_still_load()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(32, seed: 4);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        var path = folder.File("adam-state.h5");
        model.Save(path);
        // The training config now says SGD with momentum (one slot per weight) while the file holds Adam's two.
        Python("""
            import h5py, json, sys
            with h5py.File(sys.argv[1], 'r+') as f:
                t = json.loads(f.attrs['training_config'])
                t['optimizer_config'] = {'class_name': 'SGD', 'config': {'learning_rate': 0.01, 'momentum': 0.9}}
                f.attrs['training_config'] = json.dumps(t)
            """, path);

        var messages = new List<string>();
        var previous = TorchRuntime.Log;
        TorchRuntime.Log = m =>
        {
            if (m.Contains(path, StringComparison.Ordinal)) lock (messages) messages.Add(m);
            else previous(m);
        };
        Model restored;
        try
        {
            restored = Models.LoadModel(path);
        }
        finally
        {
            TorchRuntime.Log = previous;
        }
        using (restored)
        {
            var warning = Assert.Single(messages);
            Assert.Contains("Error in loading the saved optimizer state", warning, StringComparison.Ordinal);
            Assert.Contains("SGD", warning, StringComparison.Ordinal);
            Assert.Equal("SGD", restored.Optimizer!.GetType().Name);
            Assert.Equal(0, restored.Optimizer.Iterations);
            AssertBitIdentical(model.Predict(x, verbose: 0), restored.Predict(x, verbose: 0));
        }
    }
}
