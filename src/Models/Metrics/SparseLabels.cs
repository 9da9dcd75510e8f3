using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Shape checks and helpers shared by the metrics that take integer class labels.</summary>
internal static class SparseLabels
{
    /// <summary>Labels as int64 of the predictions' shape without the class axis (a trailing 1 dropped), else a Keras-like error.</summary>
    internal static Tensor Check(string metric, Tensor yTrue, Tensor yPred)
    {
        var expected = yPred.shape[..^1];
        var t = yTrue.dim() == yPred.dim() && yTrue.shape[^1] == 1 ? yTrue.squeeze(-1) : yTrue;
        if (!t.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"{metric}: expected labels (y_true) of shape ({string.Join(", ", expected)}{(expected.Length == 1 ? "," : "")}), one integer class index per " +
                $"prediction, for predictions (y_pred) of shape ({string.Join(", ", yPred.shape)}); received y_true.shape=({string.Join(", ", yTrue.shape)})." +
                (yTrue.shape.SequenceEqual(yPred.shape) ? " Labels look one-hot encoded: use the categorical variant of the metric." : ""));
        return t.to_type(ScalarType.Int64);
    }

    /// <summary>1 where the class index is among the k largest predictions (k capped at the class count), else 0.</summary>
    internal static Tensor InTopK(Tensor classes, Tensor yPred, int k)
    {
        var top = yPred.topk((int)Math.Min(k, yPred.shape[^1]), dim: -1).indexes;
        return top.eq(classes.unsqueeze(-1)).any(-1).to_type(ScalarType.Float32);
    }
}
