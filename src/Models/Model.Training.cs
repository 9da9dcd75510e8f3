using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

// The training engine behind Fit / Evaluate / Predict.
public abstract partial class Model
{
    /// <summary>
    /// Runs the layers on a channels-last batch. Spatial layers see (N, C, H, W): a permuted view that is
    /// channels_last in memory (no copy), or a contiguous NCHW copy when that layout was chosen.
    /// </summary>
    internal Tensor Forward(Tensor x, bool training, bool stopBeforeSoftmax)
    {
        var layers = Layers;
        var h = x;
        bool nchw = false;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Spatial)
            {
                if (!nchw)
                {
                    h = h.permute(0, 3, 1, 2);
                    if (!ChannelsLast) h = h.contiguous();
                    nchw = true;
                }
            }
            else if (nchw && !layer.LayoutAgnostic)
            {
                h = h.permute(0, 2, 3, 1);
                nchw = false;
            }
            h = stopBeforeSoftmax && i == layers.Count - 1 ? layer.CallWithoutSoftmax(h, training) : layer.Call(h, training);
        }
        return nchw ? h.permute(0, 2, 3, 1) : h;
    }

    History FitCore(IBatchSource train, IBatchSource? validation, int epochs, int verbose, bool labelsChecked)
    {
        var loss = _loss ?? throw NotCompiled(nameof(Fit));
        var optimizer = _updater ??= _optimizer!.Create([.. Parameters]);
        bool fuse = loss.FusesSoftmax && Layers[^1].EndsWithSoftmax;
        var metrics = _metricNames.Select(n => Metric.Create(n, loss.SparseLabels)).ToArray();
        var history = new History();
        var writer = ProgressWriter ?? Console.Out;

        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (verbose > 0) writer.WriteLine($"Epoch {epoch + 1}/{epochs}");
            var bar = verbose > 0 ? NewProgressBar(train.Steps, verbose) : null;
            double lossSum = 0;
            long seen = 0;
            foreach (var m in metrics) m.Reset();
            int step = 0;

            using (var batches = train.GetEnumerator())
            {
                while (true)
                {
                    // Everything a step allocates (the batch, activations, gradients' wrappers) dies here.
                    using var scope = NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var (xb, yb) = batches.Current;
                    try
                    {
                        if (!labelsChecked) CheckBatch(xb, yb, "dataset");
                        var input = PrepareInput(xb);
                        var labels = yb.device == Device ? yb : yb.to(Device);
                        var output = Forward(input, training: true, stopBeforeSoftmax: fuse);
                        var value = loss.Compute(output, labels, fuse);
                        optimizer.ZeroGrad();
                        value.backward();
                        optimizer.Step();

                        long n = xb.shape[0];
                        lossSum += value.item<float>() * n;
                        seen += n;
                        using (no_grad())
                            foreach (var m in metrics) m.Update(output, labels);
                    }
                    finally
                    {
                        xb.Dispose();
                        yb.Dispose();
                    }
                    step++;
                    bar?.Update(step, Logs(lossSum / seen, metrics, ""), finalize: false);
                }
            }
            if (step == 0) throw new ArgumentException("The training data is empty: no batch was produced for epoch " + (epoch + 1) + ".");

            var logs = Logs(lossSum / seen, metrics, "");
            if (validation is not null)
                logs.AddRange(EvaluateCore(validation, verbose: 0, labelsChecked).Select(kv => KeyValuePair.Create("val_" + kv.Key, kv.Value)));
            bar?.Update(step, logs, finalize: true);
            history.Add(epoch, logs);
        }
        return history;
    }

    IReadOnlyDictionary<string, double> EvaluateCore(IBatchSource source, int verbose, bool labelsChecked)
    {
        var loss = _loss ?? throw NotCompiled(nameof(Evaluate));
        bool fuse = loss.FusesSoftmax && Layers[^1].EndsWithSoftmax;
        var metrics = _metricNames.Select(n => Metric.Create(n, loss.SparseLabels)).ToArray();
        var bar = verbose > 0 ? NewProgressBar(source.Steps, verbose) : null;
        double lossSum = 0;
        long seen = 0;
        int step = 0;
        using (no_grad())
        using (var batches = source.GetEnumerator())
        {
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!batches.MoveNext()) break;
                var (xb, yb) = batches.Current;
                try
                {
                    if (!labelsChecked) CheckBatch(xb, yb, "validationData");
                    var labels = yb.device == Device ? yb : yb.to(Device);
                    var output = Forward(PrepareInput(xb), training: false, stopBeforeSoftmax: fuse);
                    long n = xb.shape[0];
                    lossSum += loss.Compute(output, labels, fuse).item<float>() * n;
                    seen += n;
                    foreach (var m in metrics) m.Update(output, labels);
                }
                finally
                {
                    xb.Dispose();
                    yb.Dispose();
                }
                step++;
                bar?.Update(step, Logs(lossSum / seen, metrics, ""), finalize: false);
            }
        }
        if (seen == 0) throw new ArgumentException("The evaluation data is empty.");
        var logs = Logs(lossSum / seen, metrics, "");
        bar?.Update(step, logs, finalize: true);
        return logs.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    static List<KeyValuePair<string, double>> Logs(double loss, Metric[] metrics, string prefix)
    {
        var logs = new List<KeyValuePair<string, double>>(metrics.Length + 1) { KeyValuePair.Create(prefix + "loss", loss) };
        foreach (var m in metrics) logs.Add(KeyValuePair.Create(prefix + m.Name, m.Result));
        return logs;
    }

    ProgressBar NewProgressBar(int? steps, int verbose) =>
        new(steps, verbose, ProgressWriter ?? Console.Out, ProgressIsTerminal ?? !Console.IsOutputRedirected);

    Tensor PrepareInput(Tensor x)
    {
        var t = x.device == Device ? x : x.to(Device);
        return t.dtype == ScalarType.Float32 ? t : t.to_type(ScalarType.Float32);
    }

    InvalidOperationException NotCompiled(string operation) =>
        new($"{operation}: you must call Compile(optimizer, loss, metrics) on model \"{Name}\" before {operation}.");

    static void CheckBatchArguments(int batchSize, int epochs, int verbose)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be positive.");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0, 1 or 2.");
    }

    /// <summary>Checks x against the model's input (building the model if needed) and returns the sample count.</summary>
    long CheckFeatures(Tensor x, string argument)
    {
        if (x.dim() < 2)
            throw new ArgumentException($"{argument} must have a batch dimension followed by the sample shape; got shape ({string.Join(", ", x.shape)}).", argument);
        int[] sample = [.. x.shape.Skip(1).Select(d => (int)d)];
        if (!Built) BuildCore(sample);
        var expected = InputShape!;
        if (!sample.SequenceEqual(expected))
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected shape={Layer.ShapeText(expected)}, " +
                $"found shape={Layer.ShapeText(sample)} (argument '{argument}' has shape ({string.Join(", ", x.shape)})).",
                argument);
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64))
            throw new ArgumentException($"{argument}: unsupported dtype {x.dtype}; expected float32 or an integer type.", argument);
        return x.shape[0];
    }

    /// <summary>Checks features, label count and label range for whole arrays once, before the first step.</summary>
    (long Samples, long Labels) CheckArrays(Tensor x, Tensor y, string argument = "x")
    {
        long samples = CheckFeatures(x, argument == "x" ? "x" : argument);
        long labels = y.dim() == 0 ? 1 : y.shape[0];
        if (y.dim() == 0 || labels != samples)
            throw new ArgumentException(
                $"Data cardinality is ambiguous: x sizes: {samples}, y sizes: {(y.dim() == 0 ? "scalar" : labels.ToString())}. " +
                "Make sure all arrays contain the same number of samples.",
                argument == "x" ? "y" : argument);
        CheckLabels(y, argument == "x" ? "y" : argument);
        return (samples, labels);
    }

    void CheckBatch(Tensor x, Tensor y, string argument)
    {
        CheckFeatures(x, argument);
        if (y.dim() == 0 || y.shape[0] != x.shape[0])
            throw new ArgumentException(
                $"{argument}: a batch has {x.shape[0]} feature rows but {(y.dim() == 0 ? "a scalar" : y.shape[0].ToString())} labels.", argument);
        CheckLabels(y, argument);
    }

    /// <summary>Sparse labels must be class indices within the last layer's output size.</summary>
    void CheckLabels(Tensor y, string argument)
    {
        var loss = _loss ?? throw NotCompiled(nameof(Fit));
        if (!loss.SparseLabels || y.numel() == 0) return;
        var last = Layers[^1];
        int classes = last.OutputShape![^1];
        if (y.dim() > 2 || (y.dim() == 2 && y.shape[1] != 1))
            throw new ArgumentException(
                $"{argument}: {loss.Name} expects one integer class index per sample, shape (samples,) or (samples, 1); " +
                $"got shape ({string.Join(", ", y.shape)}). For one-hot labels use categorical_crossentropy.", argument);
        using var scope = NewDisposeScope();
        var min = y.min().to_type(ScalarType.Float64).item<double>();
        var max = y.max().to_type(ScalarType.Float64).item<double>();
        if (min < 0 || max >= classes || y.is_floating_point() && !y.eq(y.floor()).all().item<bool>())
        {
            var bad = min < 0 ? min : max;
            throw new ArgumentException(
                $"{argument}: received a label value of {bad} which is outside the valid range of [0, {classes}) " +
                $"for the output of layer \"{last.Name}\" ({classes} units). Labels must be integer class indices.",
                argument);
        }
    }
}
