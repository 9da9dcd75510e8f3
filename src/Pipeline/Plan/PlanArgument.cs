namespace Pipeline;

/// <summary>One argument of a <see cref="PlanStep"/>, e.g. <c>bufferSize = 10000</c>.</summary>
/// <param name="Name">The argument's name as in the API (<c>bufferSize</c>, <c>numParallelCalls</c>).</param>
/// <param name="Value">The value as passed (e.g. <see cref="Dataset.Autotune"/>, not the value autotuning chose).</param>
/// <param name="Text">How the plan prints the value (<c>AUTOTUNE</c> for <see cref="Dataset.Autotune"/>).</param>
/// <param name="Positional">True when the plan prints only the value, e.g. <c>Batch(64)</c> rather than <c>Batch(batchSize=64)</c>.</param>
public sealed record PlanArgument(string Name, object? Value, string Text, bool Positional);
