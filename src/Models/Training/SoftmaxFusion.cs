using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// The training step's softmax fusion (Keras 2's TensorFlow backend does the same by looking at the op that made the
/// output): while a step records, every last-axis softmax remembers its input, and when the model's output is such a
/// softmax, a cross-entropy loss works on those logits with log-softmax, which is exact where log(softmax) underflows.
/// Layers know nothing of losses; they only compute softmax through <see cref="Softmax"/>.
/// </summary>
internal static class SoftmaxFusion
{
    [ThreadStatic] static bool t_recording;
    [ThreadStatic] static Tensor? t_output;
    [ThreadStatic] static Tensor? t_logits;

    /// <summary>softmax(<paramref name="logits"/>, <paramref name="axis"/>), remembered while a step records.</summary>
    internal static Tensor Softmax(Tensor logits, long axis)
    {
        var output = logits.softmax(axis);
        if (t_recording && (axis == -1 || axis == logits.dim() - 1))
        {
            t_output = output;
            t_logits = logits;
        }
        return output;
    }

    /// <summary>Starts recording for one forward pass; disposing stops and forgets.</summary>
    internal static Recording Record(bool enabled) => new(enabled);

    /// <summary>The logits <paramref name="output"/> is the softmax of, if it was computed while recording.</summary>
    internal static Tensor? LogitsOf(Tensor output) => ReferenceEquals(output, t_output) ? t_logits : null;

    internal readonly struct Recording : IDisposable
    {
        internal Recording(bool enabled)
        {
            t_recording = enabled;
            t_output = t_logits = null;
        }

        public void Dispose()
        {
            t_recording = false;
            t_output = t_logits = null;
        }
    }
}
