using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.Normalization</c>: <c>(x - mean) / sqrt(variance)</c> per feature of the last axis (the standard
/// deviation is floored at 1e-7, as Keras does). <c>invert</c> maps normalized values back. As in Keras 3, the
/// statistics are either given (constants of the layer, no weights) or kept in three non-trainable weights,
/// <c>mean</c>, <c>variance</c> and <c>count</c>, created when the layer is built (mean 0 and variance 1 until
/// <see cref="Adapt(Tensor)"/> learns them over a tensor or a dataset, or a weights file sets them: EfficientNet's
/// stem is such a layer, its ImageNet statistics are in Keras's weight file).
/// </summary>
public sealed class Normalization : Layer
{
    readonly double[]? _givenMean;
    readonly double[]? _givenVariance;
    Variable? _mean, _variance, _count;

    // Held for the process's lifetime: a temporary Scalar may be finalized mid-call (see Training.Scalars).
    static readonly TorchSharp.Scalar Epsilon = 1e-7.ToScalar();

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The feature axis, counting the batch as 0: the last one (-1, or 3 for images), the only one supported.</param>
    /// <param name="mean">Per-feature means (one value broadcasts), or null to keep them in weights set by <see cref="Adapt(Tensor)"/> or a file.</param>
    /// <param name="variance">Per-feature variances, given together with <paramref name="mean"/>.</param>
    /// <param name="invert">True computes <c>x * sqrt(variance) + mean</c> instead.</param>
    /// <param name="name">Optional layer name.</param>
    public Normalization(int axis = -1, double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null) : base(name)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException($"Normalization: when setting values directly, both `mean` and `variance` must be set. Received: mean={(mean is null ? "null" : "[...]")} and variance={(variance is null ? "null" : "[...]")}", mean is null ? nameof(mean) : nameof(variance));
        if (mean is not null && mean.Length != variance!.Length)
            throw new ArgumentException($"Normalization: when setting values directly, `mean` and `variance` must have the same shape. Received: mean shape ({mean.Length},) and variance shape ({variance.Length},)", nameof(variance));
        if (mean is { Length: 0 }) throw new ArgumentException("Normalization: `mean` and `variance` must hold at least one value.", nameof(mean));
        if (variance is not null && variance.Any(v => v < 0))
            throw new ArgumentOutOfRangeException(nameof(variance), "Normalization: variances must be non-negative.");
        (Axis, _givenMean, _givenVariance, Invert) = (axis, mean?.ToArray(), variance?.ToArray(), invert);
    }

    /// <summary>The feature axis as given (the batch is axis 0).</summary>
    public int Axis { get; }

    /// <summary>The per-feature means: the given ones, else the <c>mean</c> weight once built; null before.</summary>
    public IReadOnlyList<double>? Mean => _givenMean ?? Values(_mean);

    /// <summary>The per-feature variances: the given ones, else the <c>variance</c> weight once built; null before.</summary>
    public IReadOnlyList<double>? Variance => _givenVariance ?? Values(_variance);

    /// <summary>Whether the layer denormalizes.</summary>
    public bool Invert { get; }

    static double[]? Values(Variable? v)
    {
        if (v is null) return null;
        using var scope = NewDisposeScope();
        return v.Value.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int rank = inputShape.Length + 1;
        if (inputShape.Length == 0 || (Axis != -1 && Axis != rank - 1))
            throw Incompatible($"a feature axis {Axis} that is the last axis (-1 or {rank - 1}); only the last axis is supported", inputShape);
        if (_givenMean is not null) return;
        long features = inputShape[^1];
        _mean = AddWeight("mean", [features], "zeros", trainable: false);
        _variance = AddWeight("variance", [features], "ones", trainable: false);
        // Keras keeps an (integer) sample count for older saved models; here a float32 scalar, so files load either way.
        _count = AddWeight("count", [], "zeros", trainable: false);
    }

    /// <summary>Learns the mean and variance of each feature (last axis) over every other axis of <paramref name="data"/>.</summary>
    /// <param name="data">Samples, e.g. (samples, height, width, channels) images.</param>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var stats = new Moments();
        stats.Add(data);
        Store(stats.Result("Normalization.Adapt"), data);
    }

    /// <summary>Learns the statistics over one pass of <paramref name="data"/> (batches or samples), in float64 running sums.</summary>
    /// <param name="data">The dataset; each element is disposed after it is counted.</param>
    /// <param name="steps">At most this many elements (Keras's <c>steps</c>); null reads the whole dataset.</param>
    public void Adapt(Dataset<Tensor> data, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var stats = new Moments();
        int seen = 0;
        int[]? shape = null;
        foreach (var x in data)
            using (x)
            {
                shape ??= [.. x.shape.Skip(1).Select(d => (int)d)];
                stats.Add(x);
                if (++seen == steps) break;
            }
        Store(stats.Result("Normalization.Adapt"), null, shape);
    }

    /// <summary>Learns the statistics from the inputs of a dataset of (inputs, labels) pairs.</summary>
    /// <param name="data">The dataset; labels are ignored.</param>
    /// <param name="steps">At most this many elements; null reads the whole dataset.</param>
    public void Adapt(Dataset<(Tensor, Tensor)> data, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt(data.Map((x, y) => x, name: "inputs"), steps);
    }

    void Store((double[] Mean, double[] Variance) stats, Tensor? data, int[]? shape = null)
    {
        if (_givenMean is not null)
            throw new InvalidOperationException($"Normalization layer \"{Name}\" was given its mean and variance; Adapt learns them only for a layer created without them.");
        if (_mean is null)
        {
            shape ??= [.. data!.shape.Skip(1).Select(d => (int)d)];
            if (shape.Length == 0) shape = [stats.Mean.Length];
            Build(shape);   // its first call finds these weights (Keras's adapt builds the layer too)
        }
        if (_mean!.Shape[0] != stats.Mean.Length)
            throw new ArgumentException($"Normalization layer \"{Name}\" has {_mean.Shape[0]} features, but the data has {stats.Mean.Length} on its last axis.", nameof(data));
        using var scope = NewDisposeScope();
        _mean.Assign(tensor(stats.Mean).to_type(ScalarType.Float32));
        _variance!.Assign(tensor(stats.Variance).to_type(ScalarType.Float32));
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (_givenMean is { Length: > 1 } m && (inputShape.Length == 0 || inputShape[^1] != m.Length))
            throw Incompatible($"a last axis of {m.Length} features (one per mean/variance value)", inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        long features = _givenMean?.Length ?? _mean?.Shape[0] ?? 0;
        if (features != 1 && (inputs.dim() == 0 || inputs.shape[^1] != features))
            throw new ArgumentException($"Normalization layer \"{Name}\" has {features} features, but the inputs' last axis has {(inputs.dim() == 0 ? 0 : inputs.shape[^1])}.", nameof(inputs));
        using var scope = NewDisposeScope();
        var x = inputs.is_floating_point() ? inputs : inputs.to_type(ScalarType.Float32);
        Tensor mean, std;
        if (_givenMean is not null)
        {
            mean = tensor(_givenMean, device: x.device).to_type(x.dtype);
            std = tensor(_givenVariance!.Select(v => Math.Max(Math.Sqrt(v), 1e-7)).ToArray(), device: x.device).to_type(x.dtype);
        }
        else
        {
            mean = _mean!.Value.to_type(x.dtype);
            std = _variance!.Value.sqrt().clamp_min(Epsilon).to_type(x.dtype);
        }
        var result = Invert ? x * std + mean : (x - mean) / std;
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = new[] { Axis };   // Keras keeps a tuple: (-1,)
        config["invert"] = Invert;
        config["mean"] = _givenMean;
        config["variance"] = _givenVariance;
        return config;
    }

    /// <summary>Per-feature count, sum and sum of squared deviations, merged batch by batch (Chan et al.), in float64.</summary>
    sealed class Moments
    {
        long _count;
        double[]? _mean;
        double[]? _m2;

        internal void Add(Tensor x)
        {
            if (x.dim() < 1) throw new ArgumentException($"Normalization.Adapt: expected samples with a feature axis, but got a scalar.", nameof(x));
            using var scope = NewDisposeScope();
            var flat = x.to_type(ScalarType.Float64).reshape(-1, x.shape[^1]);
            long n = flat.shape[0];
            if (n == 0) return;
            var mean = flat.mean([0]).cpu().data<double>().ToArray();
            var m2 = (flat - flat.mean([0], keepdim: true)).square().sum([0]).cpu().data<double>().ToArray();
            if (_mean is null) { (_count, _mean, _m2) = (n, mean, m2); return; }
            if (mean.Length != _mean.Length)
                throw new ArgumentException($"Normalization.Adapt: elements disagree on the number of features ({_mean.Length} then {mean.Length}).", nameof(x));
            long total = _count + n;
            for (int i = 0; i < mean.Length; i++)
            {
                double delta = mean[i] - _mean[i];
                _mean[i] += delta * n / total;
                _m2![i] += m2[i] + delta * delta * _count * n / total;
            }
            _count = total;
        }

        internal (double[] Mean, double[] Variance) Result(string operation)
        {
            if (_mean is null) throw new ArgumentException($"{operation}: the data has no samples.");
            return (_mean, [.. _m2!.Select(v => v / _count)]);
        }
    }
}
