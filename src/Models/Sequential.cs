using Pipeline.Models.Layers;

namespace Pipeline.Models;

/// <summary>
/// A plain stack of layers (Keras's <c>keras.Sequential</c>), run by the same graph machinery as functional models.
/// Start it with an <see cref="Input"/> to build it at once; otherwise it builds on the first <c>Fit</c>/<c>Predict</c>
/// from the data's shape.
/// </summary>
/// <example>
/// <code>
/// var model = new Sequential([
///     new Input([32, 32, 3]),
///     new Conv2D(32, 3, padding: "same", activation: "relu"),
///     new MaxPooling2D(2),
///     new Flatten(),
///     new Dense(10, activation: "softmax"),
/// ]);
/// </code>
/// </example>
public sealed class Sequential : Model
{
    readonly List<Layer> _layers = [];
    Input? _input;

    /// <summary>Creates a model from <paramref name="layers"/>, in order.</summary>
    /// <param name="layers">The layers; an <see cref="Input"/> may come first.</param>
    /// <param name="name">The model's name ("sequential" as in Keras).</param>
    public Sequential(IEnumerable<Layer>? layers = null, string name = "sequential") : base(name, sequential: true)
    {
        foreach (var layer in layers ?? []) Add(layer);
    }

    /// <summary>The layers in order, the input declaration excluded (Keras's <c>model.layers</c>).</summary>
    public override IReadOnlyList<Layer> Layers => _layers;

    private protected override IEnumerable<Module> TrackedChildren() => _input is null ? _layers : [_input, .. _layers];

    /// <summary>Appends <paramref name="layer"/>; builds it at once when the input shape is known.</summary>
    /// <param name="layer">A layer not yet used in any model.</param>
    /// <exception cref="ArgumentException">The layer is already built, its name is taken, or an <see cref="Input"/> is not first.</exception>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is Input input)
        {
            if (_input is not null || _layers.Count > 0)
                throw new ArgumentException($"An Input layer must be the first layer of model \"{Name}\" and appear once.", nameof(layer));
            _input = input;
            return;
        }
        if (layer.Built || _layers.Contains(layer))
            throw new ArgumentException($"Layer \"{layer.Name}\" already belongs to a model; create a new layer.", nameof(layer));
        if (layer.HasExplicitName)
        {
            if (_layers.Any(l => l.Name == layer.Name))
                throw new ArgumentException($"All layers added to model \"{Name}\" must have unique names; \"{layer.Name}\" is used twice.", nameof(layer));
        }
        else
        {
            // Keras numbering: conv2d, conv2d_1, conv2d_2, ... per model.
            var prefix = layer.DefaultNamePrefix;
            var name = prefix;
            for (int i = 1; _layers.Any(l => l.Name == name); i++) name = $"{prefix}_{i}";
            layer.AssignName(name);
        }
        if (Built)
        {
            var output = layer.Apply(Outputs[0]);
            _layers.Add(layer);
            SetGraph(Inputs, [output]);
            return;
        }
        _layers.Add(layer);
        if (_input is not null) BuildFromSample([.. _input.Shape]);
    }

    private protected override void BuildFromSample(int[] sampleShape)
    {
        if (Built) return;
        if (_layers.Count == 0) return;
        _input ??= new Input(sampleShape);
        KerasTensor x = _input;
        foreach (var layer in _layers) x = layer.Apply(x);
        SetGraph([_input], [x]);
    }
}
