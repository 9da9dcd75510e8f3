using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Activation</c>: applies an activation by name (<c>new Activation("gelu")</c>) or a function.</summary>
public sealed class Activation : Layer
{
    readonly Func<Tensor, Tensor> _function;

    /// <summary>Creates the layer from a Keras activation name.</summary>
    /// <param name="activation">"relu", "gelu", "softmax", ... (see <see cref="global::Pipeline.Models.Activations.Names"/>).</param>
    /// <param name="name">Optional layer name.</param>
    public Activation(string activation, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(activation);
        _function = global::Pipeline.Models.Activations.Get(Pipeline.Models.Layers.Activations.Resolve(activation, nameof(Activation)));
        ActivationName = global::Pipeline.Models.Activations.Serialize(_function)!;
    }

    /// <summary>Creates the layer from a function of a tensor.</summary>
    /// <param name="activation">The function, applied elementwise or along the last axis.</param>
    /// <param name="name">Optional layer name.</param>
    public Activation(Func<Tensor, Tensor> activation, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(activation);
        _function = activation;
        ActivationName = global::Pipeline.Models.Activations.Serialize(activation) ?? activation.Method.Name;
    }

    /// <summary>The activation's Keras name (the method name for a custom function).</summary>
    public string ActivationName { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => _function(inputs);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["activation"] = ActivationName;
        return config;
    }
}
