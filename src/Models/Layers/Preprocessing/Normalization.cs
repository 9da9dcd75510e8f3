using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.Normalization</c>: <c>(x - mean) / sqrt(variance)</c> per feature of the last axis, with the
/// statistics given or learnt by <see cref="Adapt(Tensor)"/> over a tensor or a dataset (the standard deviation is
/// floored at 1e-7, as Keras does). <c>invert</c> maps normalized values back.
/// </summary>
public sealed class Normalization : Layer
{
    double[]? _mean;
    double[]? _variance;

    /// <summary>Creates the layer.</summary>
    /// <param name="mean">Per-feature means (one value broadcasts), or null to learn them with <see cref="Adapt(Tensor)"/>.</param>
    /// <param name="variance">Per-feature variances, given together with <paramref name="mean"/>.</param>
    /// <param name="invert">True computes <c>x * sqrt(variance) + mean</c> instead.</param>
    /// <param name="name">Optional layer name.</param>
    public Normalization(double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null) : base(name)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException("Normalization: when setting values directly, both `mean` and `variance` must be set.", mean is null ? nameof(mean) : nameof(variance));
        if (mean is not null && mean.Length != variance!.Length)
            throw new ArgumentException($"Normalization: mean has {mean.Length} values but variance {variance.Length}.", nameof(variance));
        if (variance is not null && variance.Any(v => v < 0))
            throw new ArgumentOutOfRangeException(nameof(variance), "Normalization: variances must be non-negative.");
        (_mean, _variance, Invert) = (mean?.ToArray(), variance?.ToArray(), invert);
    }

    /// <summary>The per-feature means, once given or adapted.</summary>
    public IReadOnlyList<double>? Mean => _mean;

    /// <summary>The per-feature variances, once given or adapted.</summary>
    public IReadOnlyList<double>? Variance => _variance;

    /// <summary>Whether the layer denormalizes.</summary>
    public bool Invert { get; }

    /// <summary>Learns the mean and variance of each feature (last axis) over every other axis of <paramref name="data"/>.</summary>
    /// <param name="data">Samples, e.g. (samples, height, width, channels) images.</param>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var stats = new Moments();
        stats.Add(data);
        (_mean, _variance) = stats.Result("Normalization.Adapt");
    }

    /// <summary>Learns the statistics over one pass of <paramref name="data"/> (batches or samples), in float64 running sums.</summary>
    /// <param name="data">The dataset; each element is disposed after it is counted.</param>
    /// <param name="steps">At most this many elements (Keras's <c>steps</c>); null reads the whole dataset.</param>
    public void Adapt(Dataset<Tensor> data, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var stats = new Moments();
        int seen = 0;
        foreach (var x in data)
            using (x)
            {
                stats.Add(x);
                if (++seen == steps) break;
            }
        (_mean, _variance) = stats.Result("Normalization.Adapt");
    }

    /// <summary>Learns the statistics from the inputs of a dataset of (inputs, labels) pairs.</summary>
    /// <param name="data">The dataset; labels are ignored.</param>
    /// <param name="steps">At most this many elements; null reads the whole dataset.</param>
    public void Adapt(Dataset<(Tensor, Tensor)> data, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt(data.Map((x, y) => x, name: "inputs"), steps);
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_mean is null || _variance is null)
            throw new InvalidOperationException($"Normalization layer \"{Name}\" has no statistics: pass mean and variance, or call Adapt() before using it.");
        if (_mean.Length != 1 && inputs.shape[^1] != _mean.Length)
            throw new ArgumentException($"Normalization layer \"{Name}\" was adapted to {_mean.Length} features, but the inputs' last axis has {inputs.shape[^1]}.", nameof(inputs));
        using var scope = NewDisposeScope();
        var x = inputs.is_floating_point() ? inputs : inputs.to_type(ScalarType.Float32);
        var mean = tensor(_mean, device: inputs.device).to_type(x.dtype);
        var std = tensor(_variance.Select(v => Math.Max(Math.Sqrt(v), 1e-7)).ToArray(), device: inputs.device).to_type(x.dtype);
        var result = Invert ? x * std + mean : (x - mean) / std;
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = -1;
        config["mean"] = _mean;
        config["variance"] = _variance;
        config["invert"] = Invert;
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
