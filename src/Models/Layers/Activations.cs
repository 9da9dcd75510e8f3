using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's activation names, resolved once when a layer is created.</summary>
internal static class Activations
{
    internal static readonly string[] Known = ["linear", "relu", "softmax", "sigmoid", "tanh", "elu", "selu", "gelu", "softplus", "swish", "silu"];

    /// <summary>Normalises <paramref name="activation"/>; throws naming the layer argument for unknown names.</summary>
    internal static string Resolve(string? activation, string layerType)
    {
        if (activation is null) return "linear";
        var key = activation.Trim().ToLowerInvariant();
        if (Array.IndexOf(Known, key) < 0)
            throw new ArgumentException(
                $"Unknown activation function '{activation}' for layer {layerType}. Expected one of: {string.Join(", ", Known)}.",
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
        "sigmoid" => x.sigmoid(),
        "tanh" => x.tanh(),
        "elu" => nn.functional.elu(x, 1.0),
        "selu" => nn.functional.selu(x),
        "gelu" => nn.functional.gelu(x),
        "softplus" => nn.functional.softplus(x),
        "swish" or "silu" => nn.functional.silu(x),
        _ => throw new InvalidOperationException($"Activation '{name}' was not resolved."),
    };
}
