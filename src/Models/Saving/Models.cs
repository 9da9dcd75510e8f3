using Pipeline.Models.Saving;

namespace Pipeline.Models;

/// <summary>Loading whole models (Keras's <c>keras.models</c> / <c>keras.saving</c> functions).</summary>
public static class Models
{
    /// <summary>
    /// Loads a model saved with <c>model.Save</c> or by Keras (Keras's <c>keras.models.load_model</c>): a Keras 3
    /// <c>.keras</c> zip or a Keras 2 full-model <c>.h5</c>. Sequential, functional and subclassed models come back with
    /// their weights and, when saved compiled, compiled again with the optimizer state, so <c>Fit</c> continues where it
    /// stopped.
    /// </summary>
    /// <param name="filepath">The file.</param>
    /// <param name="customObjects">Classes by the names the file uses, for classes not marked <see cref="KerasSerializableAttribute"/>.</param>
    /// <param name="compile">Compile the model from the saved training configuration.</param>
    /// <returns>The model.</returns>
    /// <exception cref="KerasFileException">The file is unreadable, foreign, names an unknown class, or its weights do not fit its architecture.</exception>
    public static Model LoadModel(string filepath, IReadOnlyDictionary<string, Type>? customObjects = null, bool compile = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        return KerasFiles.LoadModel(filepath, customObjects, compile);
    }
}
