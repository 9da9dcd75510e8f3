using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's Reduce("mean") state: sum of values·weights over sum of weights (the element count without weights).</summary>
internal sealed class WeightedMean
{
    double _total, _count;

    internal double Result => _count == 0 ? 0 : _total / _count;

    internal void Reset() => (_total, _count) = (0, 0);

    internal void Add(double value, double weight)
    {
        _total += value * weight;
        _count += weight;
    }

    internal void Add(Tensor values, Tensor? sampleWeight)
    {
        using var scope = NewDisposeScope();
        var v = values.to_type(ScalarType.Float64);
        if (sampleWeight is null)
        {
            _total += v.sum().item<double>();
            _count += v.numel();
            return;
        }
        var w = sampleWeight.to_type(ScalarType.Float64);
        if (w.device != v.device) w = w.to(v.device);
        (v, w) = Losses.Loss.SameRank(v, w);
        w = w.expand_as(v);
        _total += v.mul(w).sum().item<double>();
        _count += w.sum().item<double>();
    }
}
