using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// A Keras optimizer: its hyper-parameters and, once it has seen the variables it updates, their state (moments,
/// velocities). <c>Fit</c> uses it through <c>Compile</c>; a hand-written loop calls
/// <see cref="ApplyGradients(IReadOnlyList{Tensor?}, IReadOnlyList{Variable})"/>. Converts from Keras's names, so
/// <c>Compile(optimizer: "adam")</c> works.
/// </summary>
public abstract class Optimizer
{
    static readonly string[] KnownNames = ["adam", "sgd", "rmsprop"];

    ParameterUpdater? _updater;
    Variable[] _variables = [];
    object? _owner;

    private protected Optimizer(double learningRate)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{GetType().Name}: learningRate must be a positive number.");
        LearningRate = learningRate;
    }

    /// <summary>The step size.</summary>
    public double LearningRate { get; }

    /// <summary>Updates applied so far (Keras's <c>optimizer.iterations</c>).</summary>
    public long Iterations => _updater?.Iterations ?? 0;

    internal abstract ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters);

    /// <summary>
    /// Applies one update (Keras's <c>optimizer.apply_gradients(zip(grads, vars))</c>). Gradients are in Keras's layout,
    /// as <see cref="GradientTape.Gradient(Tensor, IReadOnlyList{Variable})"/> returns them; a null gradient (a variable the
    /// loss does not depend on) leaves its variable unchanged. The optimizer keeps state per variable: called with a
    /// different list of variables, it starts afresh for them.
    /// </summary>
    /// <param name="gradients">One gradient per variable, or null.</param>
    /// <param name="variables">The variables to update.</param>
    /// <exception cref="ArgumentException">The lists differ in length or a gradient's shape differs from its variable's.</exception>
    public void ApplyGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
            throw new ArgumentException(
                $"ApplyGradients: got {gradients.Count} gradients for {variables.Count} variables; expected one gradient (or null) per variable.", nameof(gradients));
        for (int i = 0; i < variables.Count; i++)
            if (gradients[i] is Tensor g && !g.shape.SequenceEqual(variables[i].Shape))
                throw new ArgumentException(
                    $"ApplyGradients: the gradient for variable \"{variables[i].Path}\" has shape {Variable.ShapeText(g.shape)}; expected {Variable.ShapeText(variables[i].Shape)}.",
                    nameof(gradients));
        var updater = UpdaterFor(variables, owner: null);
        using var scope = NewDisposeScope();
        var storageGradients = new Tensor?[variables.Count];
        for (int i = 0; i < variables.Count; i++)
            if (gradients[i] is Tensor g) storageGradients[i] = variables[i].ToStorageLayout(g);
        updater.Apply(storageGradients);
    }

    /// <summary>Applies one update from (gradient, variable) pairs (Keras's <c>apply_gradients(grads_and_vars)</c>).</summary>
    /// <param name="gradientsAndVariables">Pairs of a Keras-layout gradient (or null) and its variable.</param>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradientsAndVariables)
    {
        ArgumentNullException.ThrowIfNull(gradientsAndVariables);
        var pairs = gradientsAndVariables.ToArray();
        ApplyGradients([.. pairs.Select(p => p.Gradient)], [.. pairs.Select(p => p.Variable)]);
    }

    /// <summary>The current state holder and the variables it updates, or null before the first update (for saving).</summary>
    internal (ParameterUpdater Updater, Variable[] Variables)? State => _updater is null ? null : (_updater, _variables);

    /// <summary>The updater for exactly <paramref name="variables"/>, created (fresh state) when the list changed.</summary>
    internal ParameterUpdater UpdaterFor(IReadOnlyList<Variable> variables, object? owner)
    {
        if (_updater is not null && variables.Count == _variables.Length && variables.Select((v, i) => ReferenceEquals(v, _variables[i])).All(b => b))
            return _updater;
        _updater?.Dispose();
        _variables = [.. variables];
        _updater = Create([.. _variables.Select(v => v.Storage)]);
        _owner = owner;
        return _updater;
    }

    /// <summary>Frees the optimizer state held for <paramref name="owner"/>'s variables (a disposed or recompiled model).</summary>
    internal void ReleaseState(object owner)
    {
        if (!ReferenceEquals(owner, _owner)) return;
        _updater?.Dispose();
        _updater = null;
        _variables = [];
        _owner = null;
    }

    /// <summary>Keras's optimizer by name ("adam", "sgd", "rmsprop"), with Keras's default hyper-parameters.</summary>
    /// <param name="name">The optimizer's name, case-insensitive.</param>
    /// <exception cref="ArgumentException">The name is not a known optimizer (parameter name <c>optimizer</c>).</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "optimizer");
        return name.Trim().ToLowerInvariant() switch
        {
            "adam" => new Adam(),
            "sgd" => new SGD(),
            "rmsprop" => new RMSprop(),
            _ => throw new ArgumentException(
                $"Could not interpret optimizer identifier: '{name}'. Expected one of: {string.Join(", ", KnownNames)}, or an Optimizer instance.",
                "optimizer"),
        };
    }

    /// <summary>Keras-style shorthand: <c>optimizer: "adam"</c>.</summary>
    /// <param name="name">The optimizer's name.</param>
    public static implicit operator Optimizer(string name) => Get(name);
}
