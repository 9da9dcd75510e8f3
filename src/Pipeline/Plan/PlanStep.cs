using System.Globalization;
using System.Text;

namespace Pipeline;

/// <summary>
/// One step of a dataset's plan: the transformation (or source) name, its arguments and what the lint needs to
/// know about it. <see cref="Dataset{T}.Plan"/> lists them from the source to the last transformation;
/// <see cref="ToString"/> prints one as <c>Shuffle(10000, seed=42)</c>.
/// </summary>
public sealed class PlanStep
{
    readonly List<PlanArgument> _arguments = [];

    /// <summary>Creates a step; add arguments with <see cref="With(string, object?, bool, string?)"/>.</summary>
    /// <param name="name">The name the plan prints, e.g. <c>TFRecordDataset</c> or <c>Map</c>.</param>
    /// <param name="kind">What the step does to the stream.</param>
    /// <param name="traits">Facts the lint uses (randomness, cost).</param>
    public PlanStep(string name, StepKind kind, StepTraits traits = StepTraits.None)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        Traits = traits;
    }

    /// <summary>The name the plan prints (<c>Map</c>, <c>Shuffle</c>, <c>TFRecordDataset</c>).</summary>
    public string Name { get; }

    /// <summary>What the step does to the stream.</summary>
    public StepKind Kind { get; }

    /// <summary>Facts the lint uses (randomness, cost).</summary>
    public StepTraits Traits { get; }

    /// <summary>The arguments in the order they print.</summary>
    public IReadOnlyList<PlanArgument> Arguments => _arguments;

    /// <summary>Plans of the other datasets this step reads (e.g. <c>Zip</c>'s second input); empty for most steps.</summary>
    public IReadOnlyList<IReadOnlyList<PlanStep>> Branches { get; private set; } = [];

    /// <summary>The value of argument <paramref name="name"/>, or null when the step has no such argument.</summary>
    public object? this[string name] => _arguments.Find(a => a.Name == name)?.Value;

    /// <summary>True when the step has an argument <paramref name="name"/>.</summary>
    public bool Has(string name) => _arguments.Exists(a => a.Name == name);

    /// <summary>Adds an argument and returns this step (for fluent construction).</summary>
    /// <param name="name">Argument name as in the API.</param>
    /// <param name="value">Argument value.</param>
    /// <param name="positional">Print only the value (<c>Batch(64)</c>).</param>
    /// <param name="text">How to print the value; defaults to an invariant-culture rendering.</param>
    public PlanStep With(string name, object? value, bool positional = false, string? text = null)
    {
        _arguments.Add(new PlanArgument(name, value, text ?? Format(value), positional));
        return this;
    }

    /// <summary>Adds the plans of other datasets this step reads and returns this step.</summary>
    public PlanStep WithBranches(IEnumerable<IReadOnlyList<PlanStep>> branches)
    {
        Branches = [.. branches];
        return this;
    }

    /// <summary>Prints the step as <c>Name(positional, name=value)</c>, or just <c>Name</c> without arguments.</summary>
    public override string ToString()
    {
        if (_arguments.Count == 0) return Name;
        var sb = new StringBuilder(Name).Append('(');
        for (var i = 0; i < _arguments.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            var a = _arguments[i];
            if (!a.Positional) sb.Append(a.Name).Append('=');
            sb.Append(a.Text);
        }
        return sb.Append(')').ToString();
    }

    internal static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string FormatAutotune(long value) => value == Dataset.Autotune ? "AUTOTUNE" : Format(value);
}
