using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>A layer's <c>activation:</c> argument: Keras's names resolved once through <see cref="global::Pipeline.Models.Activations"/>.</summary>
internal static class Activations
{
    /// <summary>Normalises <paramref name="activation"/>; throws naming the layer argument for unknown names.</summary>
    internal static string Resolve(string? activation, string layerType)
    {
        if (activation is null) return "linear";
        var key = activation.Trim().ToLowerInvariant();
        if (!global::Pipeline.Models.Activations.Names.Contains(key))
            throw new ArgumentException(
                $"Unknown activation function '{activation}' for layer {layerType}. Expected one of: {string.Join(", ", global::Pipeline.Models.Activations.Names)}.",
                nameof(activation));
        return key;
    }

    /// <summary>
    /// Applies <paramref name="name"/>; <paramref name="channelAxis"/> is where softmax normalises. With
    /// <paramref name="ownsInput"/> (x is a fresh layer output nothing else holds) relu runs in place: conv and
    /// linear backward need their inputs, not outputs, so this saves one activation-sized buffer per layer.
    /// </summary>
    internal static Tensor Apply(string name, Tensor x, long channelAxis = -1, bool ownsInput = false) => name switch
    {
        "linear" => x,
        "relu" => ownsInput ? x.relu_() : nn.functional.relu(x),
        "softmax" => Training.SoftmaxFusion.Softmax(x, channelAxis),
        _ => global::Pipeline.Models.Activations.Get(name)(x),
    };
}
