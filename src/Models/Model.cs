using NumSharp;
using Pipeline;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// A Keras model: layers plus the training configuration set by <see cref="Compile"/>, trained with
/// <c>Fit</c>, scored with <c>Evaluate</c>, applied with <c>Predict</c>. Tensors at the API are
/// channels-last, (batch, height, width, channels), as in Keras.
/// </summary>
public abstract partial class Model : IDisposable
{
    Optimizer? _optimizer;
    Loss? _loss;
    string[] _metricNames = [];
    ParameterUpdater? _updater;
    bool _disposed;

    private protected Model(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A model name must not be empty.", nameof(name));
        Name = name;
    }

    /// <summary>The model's name, shown by <see cref="Summary"/>.</summary>
    public string Name { get; }

    /// <summary>The model's layers in order, the input declaration excluded (Keras's <c>model.layers</c>).</summary>
    public abstract IReadOnlyList<Layer> Layers { get; }

    /// <summary>True once every layer knows its shapes and has weights.</summary>
    public bool Built { get; private protected set; }

    /// <summary>The per-sample input shape (batch excluded), once known.</summary>
    public abstract IReadOnlyList<int>? InputShape { get; }

    /// <summary>The per-sample output shape (batch excluded), once built.</summary>
    public IReadOnlyList<int>? OutputShape => Built ? Layers[^1].OutputShape : null;

    /// <summary>The device holding the weights: <see cref="TorchRuntime.Device"/> when the model was created.</summary>
    public Device Device { get; } = TorchRuntime.Device;

    /// <summary>Hidden 4-D layout (see <see cref="ConvLayout"/>); fixed when the weights are created.</summary>
    internal bool ChannelsLast { get; set; } = ConvLayout.DefaultChannelsLast;

    /// <summary>Where Fit/Evaluate/Predict write progress; Console.Out by default.</summary>
    internal TextWriter? ProgressWriter { get; set; }

    /// <summary>Overrides the terminal detection (live bar vs. one line per epoch).</summary>
    internal bool? ProgressIsTerminal { get; set; }

    /// <summary>The total number of weights (Keras's <c>count_params()</c>).</summary>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    public long CountParams()
    {
        RequireBuilt(nameof(CountParams));
        return Layers.Sum(l => l.CountParams());
    }

    internal IEnumerable<TorchSharp.Modules.Parameter> Parameters => Layers.SelectMany(l => l.Parameters);

    /// <summary>Creates the weights for per-sample inputs of <paramref name="inputShape"/>.</summary>
    private protected abstract void BuildCore(int[] inputShape);

    /// <summary>
    /// Configures training (Keras's <c>model.compile</c>). Names convert implicitly:
    /// <c>Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])</c>, or pass
    /// instances such as <c>new Adam(learningRate: 1e-4)</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name ("adam", "sgd", "rmsprop").</param>
    /// <param name="loss">The loss, or its name ("sparse_categorical_crossentropy", "categorical_crossentropy", "mse").</param>
    /// <param name="metrics">Metric names to report besides the loss ("accuracy").</param>
    /// <exception cref="ArgumentException">An unknown metric name (parameter <c>metrics</c>).</exception>
    public void Compile(Optimizer optimizer, Loss loss, string[]? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        foreach (var m in metrics ?? []) Metric.Validate(m);
        _optimizer = optimizer;
        _loss = loss;
        _metricNames = [.. metrics ?? []];
        _updater?.Dispose();
        _updater = null;
    }

    /// <summary>
    /// Trains on in-memory tensors (Keras's <c>model.fit(x, y, ...)</c>). <paramref name="x"/> is (samples, ...) in the
    /// model's input shape, float32 or uint8 (cast to float32, not rescaled); <paramref name="y"/> holds one label per sample.
    /// </summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="y">Labels: class indices for sparse losses, one-hot or targets otherwise.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="validationSplit">Fraction of the samples, taken from the end before shuffling as in Keras, held out and scored after each epoch.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <returns>Per-epoch loss and metrics, with <c>val_</c> entries when validating.</returns>
    /// <exception cref="ArgumentException">Shapes, lengths or labels do not fit the model (the message says which and why).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Compile"/> was not called.</exception>
    public History Fit(Tensor x, Tensor y, int batchSize = 32, int epochs = 1, double validationSplit = 0, bool shuffle = true, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1).");
        CheckBatchArguments(batchSize, epochs, verbose);
        var (samples, _) = CheckArrays(x, y);
        long validation = (long)Math.Floor(samples * validationSplit);
        long training = samples - validation;
        if (validationSplit > 0 && (validation == 0 || training == 0))
            throw new ArgumentException(
                $"validationSplit={validationSplit} leaves {training} training and {validation} validation samples out of {samples}; both must be at least 1.",
                nameof(validationSplit));
        var train = new TensorBatches(x, y, 0, training, batchSize, shuffle);
        var val = validation > 0 ? new TensorBatches(x, y, training, validation, batchSize, shuffle: false) : null;
        return FitCore(train, val, epochs, verbose, labelsChecked: true);
    }

    /// <summary>Trains on in-memory tensors with explicit validation data (Keras's <c>validation_data=(x_val, y_val)</c>).</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="validationData">Features and labels scored after each epoch.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <returns>Per-epoch loss and metrics with <c>val_</c> entries.</returns>
    public History Fit(Tensor x, Tensor y, (Tensor X, Tensor Y) validationData, int batchSize = 32, int epochs = 1, bool shuffle = true, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(validationData.X, "validationData");
        ArgumentNullException.ThrowIfNull(validationData.Y, "validationData");
        CheckBatchArguments(batchSize, epochs, verbose);
        var (samples, _) = CheckArrays(x, y);
        var (valSamples, _) = CheckArrays(validationData.X, validationData.Y, "validationData");
        var train = new TensorBatches(x, y, 0, samples, batchSize, shuffle);
        var val = new TensorBatches(validationData.X, validationData.Y, 0, valSamples, batchSize, shuffle: false);
        return FitCore(train, val, epochs, verbose, labelsChecked: true);
    }

    /// <summary>Trains on NumSharp arrays, as Keras trains on numpy arrays; see the tensor overload.</summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="validationSplit">Fraction of samples held out from the end for validation.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <returns>Per-epoch loss and metrics.</returns>
    public History Fit(NDArray x, NDArray y, int batchSize = 32, int epochs = 1, double validationSplit = 0, bool shuffle = true, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var tx = x.ToTensor();
        using var ty = y.ToTensor();
        return Fit(tx, ty, batchSize, epochs, validationSplit, shuffle, verbose);
    }

    /// <summary>Scores the model on in-memory data (Keras's <c>model.evaluate</c>).</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>"loss" and each compiled metric, averaged over all samples.</returns>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckBatchArguments(batchSize, 1, verbose);
        var (samples, _) = CheckArrays(x, y);
        return EvaluateCore(new TensorBatches(x, y, 0, samples, batchSize, shuffle: false), verbose, labelsChecked: true);
    }

    /// <summary>Scores the model on NumSharp arrays; see the tensor overload.</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>"loss" and each compiled metric.</returns>
    public IReadOnlyDictionary<string, double> Evaluate(NDArray x, NDArray y, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var tx = x.ToTensor();
        using var ty = y.ToTensor();
        return Evaluate(tx, ty, batchSize, verbose);
    }

    /// <summary>Runs the model on <paramref name="x"/> in inference mode (Keras's <c>model.predict</c>) and returns a host array, like numpy's.</summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>One output row per sample, e.g. (samples, classes) probabilities.</returns>
    public NDArray Predict(Tensor x, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckBatchArguments(batchSize, 1, verbose);
        long samples = CheckFeatures(x, nameof(x));
        using var scope = NewDisposeScope();
        var source = new TensorBatches(x, null, 0, samples, batchSize, shuffle: false);
        var outputs = new List<Tensor>();
        var bar = verbose > 0 ? NewProgressBar(source.Steps, verbose) : null;
        int step = 0;
        using (no_grad())
        {
            using var batches = source.GetEnumerator();
            while (batches.MoveNext())
            {
                var (xb, _) = batches.Current;
                outputs.Add(Forward(PrepareInput(xb), training: false, stopBeforeSoftmax: false).cpu());
                bar?.Update(++step, [], finalize: step == source.Steps);
            }
        }
        using var all = outputs.Count == 1 ? outputs[0].contiguous() : cat(outputs, 0);
        return all.ToNDArray();
    }

    /// <summary>Runs the model on a NumSharp array; see the tensor overload.</summary>
    /// <param name="x">Features.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>One output row per sample.</returns>
    public NDArray Predict(NDArray x, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var tx = x.ToTensor();
        return Predict(tx, batchSize, verbose);
    }

    /// <summary>Prints Keras 2's summary table: layer names and types, output shapes, parameter counts and totals.</summary>
    /// <param name="printFn">Receives each line; null writes to the console (Keras's <c>print_fn</c>).</param>
    /// <exception cref="InvalidOperationException">The model is not built (no <see cref="Input"/> and never trained).</exception>
    public void Summary(Action<string>? printFn = null)
    {
        RequireBuilt(nameof(Summary));
        var print = printFn ?? Console.WriteLine;
        foreach (var line in SummaryTable.Lines(this)) print(line);
    }

    /// <summary>Frees the weights and optimizer state (native memory) now rather than at finalization.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _updater?.Dispose();
        foreach (var p in Parameters) p.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected void RequireBuilt(string operation)
    {
        if (!Built)
            throw new InvalidOperationException(
                $"{operation}: this model has not yet been built. Build the model first by starting it with an Input layer " +
                "(e.g. new Input([32, 32, 3])) or by calling Fit on a batch of data.");
    }
}
