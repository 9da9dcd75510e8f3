using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// A Keras optimizer: hyper-parameters, per-weight state created at the first update, and Keras 3's update order for
/// every step: learning rate from the schedule at <see cref="Iterations"/>, gradients clipped (<see cref="Clipnorm"/>,
/// <see cref="GlobalClipnorm"/> or <see cref="Clipvalue"/>), decoupled weight decay (<c>w -= w · weightDecay · lr</c>),
/// the algorithm's update, then <see cref="Iterations"/> + 1. Converts from Keras's names, so
/// <c>Compile(optimizer: "adam")</c> works.
/// </summary>
/// <remarks>
/// Updates run in place under no_grad with every <see cref="Scalar"/> held in a field or a <c>using</c> for the whole
/// native call: TorchSharp 0.107's implicit double-to-Scalar temporaries may be finalized mid-call (seen as "Expected
/// false to be true ... toFloat" in addcdiv_, or an access violation, after minutes of training), which is also why the
/// rules are written here rather than taken from torch.optim.
/// </remarks>
public abstract class Optimizer
{
    static readonly string[] KnownNames = ["adam", "adamw", "sgd", "rmsprop", "adagrad", "nadam"];

    readonly LearningRateSchedule _learningRate;
    readonly Dictionary<IntPtr, Tensor[]> _slots = [];

    private protected Optimizer(
        LearningRateSchedule? learningRate, double defaultLearningRate, double? weightDecay, double? clipnorm, double? clipvalue,
        double? globalClipnorm, string name)
    {
        _learningRate = learningRate ?? defaultLearningRate;
        if (_learningRate is ConstantLearningRate constant) CheckLearningRate(constant.Value);
        if (new[] { clipnorm, clipvalue, globalClipnorm }.Count(v => v is not null) > 1)
            throw new ArgumentException(
                $"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm={Show(clipnorm)}, " +
                $"clipvalue={Show(clipvalue)}, global_clipnorm={Show(globalClipnorm)}");
        CheckOptional(weightDecay, nameof(weightDecay));
        CheckOptional(clipnorm, nameof(clipnorm));
        CheckOptional(clipvalue, nameof(clipvalue));
        CheckOptional(globalClipnorm, nameof(globalClipnorm));
        (WeightDecay, Clipnorm, Clipvalue, GlobalClipnorm, Name) = (weightDecay, clipnorm, clipvalue, globalClipnorm, name);
    }

    /// <summary>The optimizer's name ("adam", "SGD", ...).</summary>
    public string Name { get; }

    /// <summary>
    /// The learning rate the next step uses: the schedule's value at <see cref="Iterations"/>. Settable when the optimizer
    /// was given a number (e.g. by a callback lowering it on a plateau), as in Keras.
    /// </summary>
    /// <exception cref="InvalidOperationException">Setting it when the optimizer follows a <see cref="LearningRateSchedule"/>.</exception>
    public double LearningRate
    {
        get => _learningRate.Call(Iterations);
        set
        {
            if (_learningRate is not ConstantLearningRate constant)
                throw new InvalidOperationException(
                    $"{GetType().Name} was created with a LearningRateSchedule ({_learningRate.GetType().Name}) as its learningRate, hence its learning " +
                    "rate is not settable. To set the learning rate, create the optimizer with a number as learningRate.");
            CheckLearningRate(value);
            constant.Value = value;
        }
    }

    /// <summary>The schedule given as <c>learningRate</c>, or null when it was a number.</summary>
    public LearningRateSchedule? Schedule => _learningRate is ConstantLearningRate ? null : _learningRate;

    /// <summary>Decoupled weight decay factor applied before each update (<c>w -= w · weightDecay · lr</c>), or null.</summary>
    public double? WeightDecay { get; }

    /// <summary>Each gradient is rescaled so its L2 norm is at most this, or null.</summary>
    public double? Clipnorm { get; }

    /// <summary>Each gradient element is clipped to [−clipvalue, clipvalue], or null.</summary>
    public double? Clipvalue { get; }

    /// <summary>All gradients are rescaled together so their joint L2 norm is at most this, or null.</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>Number of updates applied so far (Keras's <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>The constructor arguments as Keras names them (Keras's <c>get_config()</c>).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["name"] = Name,
        ["learning_rate"] = _learningRate is ConstantLearningRate c ? c.Value : _learningRate.GetConfig(),
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm,
        ["global_clipnorm"] = GlobalClipnorm,
        ["clipvalue"] = Clipvalue,
    };

    /// <summary>Keras's optimizer by name, with Keras's default hyper-parameters.</summary>
    /// <param name="name">"adam", "adamw", "sgd", "rmsprop", "adagrad" or "nadam", case-insensitive.</param>
    /// <exception cref="ArgumentException">The name is not a known optimizer (parameter name <c>optimizer</c>).</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "optimizer");
        return name.Trim().ToLowerInvariant() switch
        {
            "adam" => new Adam(),
            "adamw" => new AdamW(),
            "sgd" => new SGD(),
            "rmsprop" => new RMSprop(),
            "adagrad" => new Adagrad(),
            "nadam" => new Nadam(),
            _ => throw new ArgumentException(
                $"Could not interpret optimizer identifier: '{name}'. Expected one of: {string.Join(", ", KnownNames)}, or an Optimizer instance.",
                "optimizer"),
        };
    }

    /// <summary>Keras-style shorthand: <c>optimizer: "adam"</c>.</summary>
    /// <param name="name">The optimizer's name.</param>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <summary>
    /// Applies one update (Keras's <c>optimizer.apply_gradients(zip(grads, vars))</c>). Gradients are in Keras's layout,
    /// as <see cref="GradientTape.Gradient(Tensor, IReadOnlyList{Variable})"/> returns them; a null gradient (a variable the
    /// loss does not depend on) leaves its variable unchanged.
    /// </summary>
    /// <param name="gradients">One gradient per variable, or null.</param>
    /// <param name="variables">The variables to update.</param>
    /// <exception cref="ArgumentException">The lists differ in length, a gradient's shape differs from its variable's, or every gradient is null.</exception>
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
        using var scope = NewDisposeScope();
        // The library may store a weight in its own layout (a conv kernel as (out, in, kh, kw)): a view, no copy.
        var storageGradients = new Tensor?[variables.Count];
        for (int i = 0; i < variables.Count; i++)
            if (gradients[i] is Tensor g) storageGradients[i] = variables[i].ToStorageLayout(g);
        Apply(storageGradients, [.. variables.Select(v => (Tensor)v.Storage)]);
    }

    /// <summary>Applies one update from (gradient, variable) pairs (Keras's <c>apply_gradients(grads_and_vars)</c>).</summary>
    /// <param name="gradientsAndVariables">Pairs of a Keras-layout gradient (or null) and its variable.</param>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradientsAndVariables)
    {
        ArgumentNullException.ThrowIfNull(gradientsAndVariables);
        var pairs = gradientsAndVariables.ToArray();
        ApplyGradients([.. pairs.Select(p => p.Gradient)], [.. pairs.Select(p => p.Variable)]);
    }

    /// <summary>An updater over a model's weights for the training loop (reads each weight's .grad).</summary>
    internal ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) => new(this, parameters);

    /// <summary>
    /// One optimizer step (Keras's <c>apply(grads, variables)</c>): null gradients are skipped, an empty list is a no-op.
    /// Variables are updated in place; gradients are not modified.
    /// </summary>
    /// <exception cref="ArgumentException">Different counts, or every gradient null.</exception>
    internal void Apply(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Tensor> variables)
    {
        if (gradients.Count != variables.Count)
            throw new ArgumentException($"{Name}: got {gradients.Count} gradients for {variables.Count} variables; they must pair up one to one.", nameof(gradients));
        if (variables.Count == 0) return;
        var grads = new List<Tensor>(gradients.Count);
        var vars = new List<Tensor>(gradients.Count);
        for (int i = 0; i < gradients.Count; i++)
        {
            if (gradients[i] is not Tensor g) continue;
            if (!g.shape.SequenceEqual(variables[i].shape))
                throw new ArgumentException(
                    $"{Name}: gradient {i} has shape ({string.Join(", ", g.shape)}) but its variable has shape ({string.Join(", ", variables[i].shape)}).",
                    nameof(gradients));
            grads.Add(g);
            vars.Add(variables[i]);
        }
        if (grads.Count == 0) throw new ArgumentException($"{Name}: no gradients provided for any variable.", nameof(gradients));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double lr = LearningRate;
        Clip(grads);
        if (WeightDecay is double wd && wd != 0)
        {
            using var keep = (1 - wd * lr).ToScalar();
            foreach (var v in vars) v.mul_(keep);
        }
        long localStep = Iterations + 1;
        BeginStep(localStep);
        for (int i = 0; i < vars.Count; i++) UpdateStep(grads[i], vars[i], SlotsOf(vars[i]), lr, localStep);
        Iterations++;
    }

    /// <summary>
    /// How Keras's <c>build()</c> groups <see cref="SlotNames"/> into <c>add_optimizer_variables</c> calls; within a group
    /// the slots are interleaved per variable (Adam: momentum and velocity of each weight in turn). Saving writes the
    /// state in this order, so a .keras file matches the optimizer variables Keras lists.
    /// </summary>
    private protected virtual IReadOnlyList<string[]> KerasSlotGroups => [SlotNames];

    /// <summary>The state of <paramref name="variables"/> in Keras's order (created when missing), each with its variable's index.</summary>
    internal IReadOnlyList<(int Variable, Tensor Slot)> KerasOrderedSlots(IReadOnlyList<Tensor> variables)
    {
        var names = SlotNames;
        var result = new List<(int, Tensor)>();
        foreach (var group in KerasSlotGroups)
            for (int v = 0; v < variables.Count; v++)
            {
                var slots = SlotsOf(variables[v]);
                foreach (var name in group) result.Add((v, slots[Array.IndexOf(names, name)]));
            }
        return result;
    }

    /// <summary>The slot name of each entry of <see cref="KerasOrderedSlots"/> for <paramref name="variableCount"/> variables, in the same order.</summary>
    internal IEnumerable<string> KerasOrderedSlotNames(int variableCount) =>
        KerasSlotGroups.SelectMany(group => Enumerable.Range(0, variableCount).SelectMany(_ => group));

    /// <summary>Sets the update count, as loading a saved optimizer does.</summary>
    internal void RestoreIterations(long iterations) => Iterations = iterations;

    /// <summary>
    /// Scalar state Keras keeps after the per-variable state (Nadam's <c>u_product</c>), in Keras's order; saved with the
    /// optimizer and restored by <see cref="RestoreScalarState"/>, so a resumed run updates exactly as an uninterrupted one.
    /// </summary>
    internal virtual IReadOnlyList<(string Name, double Value)> ScalarState => [];

    /// <summary>Sets the values of <see cref="ScalarState"/>, in its order.</summary>
    internal virtual void RestoreScalarState(IReadOnlyList<double> values) { }

    /// <summary>Names of the per-variable state tensors the algorithm keeps (Keras's optimizer variables).</summary>
    private protected abstract string[] SlotNames { get; }

    /// <summary>Initial value of the state tensors (Adagrad's initial accumulator).</summary>
    private protected virtual double SlotInitialValue => 0;

    /// <summary>Once per step, before the per-variable updates (Nadam's running momentum product).</summary>
    private protected virtual void BeginStep(long localStep) { }

    /// <summary>Updates <paramref name="variable"/> in place from <paramref name="gradient"/>; runs under no_grad in a dispose scope.</summary>
    private protected abstract void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep);

    /// <summary>Frees the per-variable state (native memory); it is created afresh at the next update.</summary>
    internal void ReleaseState()
    {
        foreach (var slots in _slots.Values)
            foreach (var s in slots) s.Dispose();
        _slots.Clear();
    }

    Tensor[] SlotsOf(Tensor variable)
    {
        if (_slots.TryGetValue(variable.Handle, out var slots)) return slots;
        slots = new Tensor[SlotNames.Length];
        using var initial = SlotInitialValue.ToScalar();
        for (int i = 0; i < slots.Length; i++)
        {
            // Shaped and strided like the weight: channels_last stays channels_last, so updates stay elementwise.
            var s = zeros_like(variable);
            if (SlotInitialValue != 0) s.fill_(initial);
            slots[i] = s.DetachFromDisposeScope();
        }
        _slots[variable.Handle] = slots;
        return slots;
    }

    void Clip(List<Tensor> grads)
    {
        if (Clipnorm is double clipnorm && clipnorm > 0)
        {
            using var c = clipnorm.ToScalar();
            for (int i = 0; i < grads.Count; i++)
            {
                // Keras: g · clipnorm / max(‖g‖, clipnorm).
                var norm = grads[i].square().sum().sqrt_();
                grads[i] = grads[i].mul(c).div_(norm.clamp_min_(c));
            }
        }
        else if (GlobalClipnorm is double global && global > 0)
        {
            using var c = global.ToScalar();
            using var inverse = (1 / global).ToScalar();
            var total = stack(grads.Select(g => g.square().sum().to_type(ScalarType.Float32)).ToArray()).sum().sqrt_();
            // Keras: scale = clipnorm · min(1 / norm, 1 / clipnorm), NaN when the norm is not finite.
            var scale = total.reciprocal().clamp_max_(inverse).mul_(c).add_(total.sub(total), Training.Scalars.One);
            for (int i = 0; i < grads.Count; i++) grads[i] = grads[i].mul(scale.to_type(grads[i].dtype));
        }
        else if (Clipvalue is double value && value > 0)
        {
            using var low = (-value).ToScalar();
            using var high = value.ToScalar();
            for (int i = 0; i < grads.Count; i++) grads[i] = grads[i].clamp(low, high);
        }
    }

    static void CheckLearningRate(double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException("learningRate", value, "learningRate must be a finite number >= 0.");
    }

    static void CheckOptional(double? value, string name)
    {
        if (value is double v && (!(v >= 0) || double.IsInfinity(v)))
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be a finite number >= 0 (or null). Received: {name}={v}");
    }

    static string Show(double? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";
}
