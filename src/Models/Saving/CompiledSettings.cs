using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;

namespace Pipeline.Models.Saving;

/// <summary>
/// What a model was compiled with, as saving needs it: one loss (applied to every output) with its metric names, or
/// one loss, loss weight and metric list per output, in output order.
/// </summary>
/// <param name="Optimizer">The compiled optimizer.</param>
/// <param name="Losses">One loss; or one per output (then <paramref name="OutputNames"/> is set).</param>
/// <param name="LossWeights">One weight per output, or null with one loss.</param>
/// <param name="Metrics">The metric names: one list with one loss, else one list per output.</param>
/// <param name="OutputNames">The output layers' names when compiled per output, else null.</param>
/// <param name="ByName">Compiled per output with dictionaries keyed by output name (Keras writes them back as dictionaries).</param>
/// <param name="OutputCount">The model's number of outputs (1 for a model that is not functional).</param>
internal sealed record CompiledSettings(
    Optimizer Optimizer, Loss[] Losses, double[]? LossWeights, string[][] Metrics, string[]? OutputNames, bool ByName, int OutputCount);
