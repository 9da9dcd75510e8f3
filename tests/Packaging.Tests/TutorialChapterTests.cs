namespace Packaging.Tests;

/// <summary>
/// Every tutorial chapter whose sample exists has its notebook, and every notebook belongs to a chapter and is
/// run by tests/Notebooks.Tests. A chapter's notebook is due as soon as its sample lands.
/// </summary>
public class TutorialChapterTests
{
    /// <summary>The tutorial's chapters: the sample project(s) that implement one, and its notebook.</summary>
    static readonly (string Chapter, string[] Samples, string Notebook)[] Chapters =
    [
        ("The CIFAR-10 CNN", ["QuickStart"], "cifar10-cnn.ipynb"),
        ("tf.data", ["DataPipeline"], "tf-data.ipynb"),
        ("TFRecord", ["TFRecordCatsDogs"], "tfrecord.ipynb"),
        ("Data augmentation", ["DataAugmentation"], "data-augmentation.ipynb"),
        ("Classic models", ["ClassicModels", "ClassicCnns"], "classic-models.ipynb"),
        ("Transfer learning", ["TransferLearning"], "transfer-learning.ipynb"),
        ("Vision Transformer", ["VisionTransformer", "ViT"], "vision-transformer.ipynb"),
        ("The CNN five ways, with save and restore", ["FiveWaysCnn"], "five-ways-cnn.ipynb"),
    ];

    static string Notebooks => Path.Combine(RepositoryPaths.Root, "notebooks");

    [Fact]
    public void Every_chapter_with_a_sample_has_a_notebook()
    {
        var missing = new List<string>();
        int withSample = 0;
        foreach (var (chapter, samples, notebook) in Chapters)
        {
            var sample = samples.FirstOrDefault(s => Directory.Exists(Path.Combine(RepositoryPaths.Root, "samples", s)));
            if (sample is null) continue;   // the chapter's features are not built yet: no notebook due
            withSample++;
            if (!File.Exists(Path.Combine(Notebooks, notebook)))
                missing.Add($"{chapter}: samples/{sample} exists but notebooks/{notebook} does not");
        }

        Assert.True(withSample >= 3, "the tf.data, TFRecord and CNN samples are missing: is this the repository root?");
        Assert.True(missing.Count == 0, "Write these notebooks (see notebooks/README.md):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_notebook_belongs_to_a_chapter_and_is_checked_when_run()
    {
        var known = Chapters.Select(c => c.Notebook).ToHashSet();
        var tests = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Notebooks.Tests", "TutorialNotebookTests.cs"));
        foreach (var notebook in Directory.GetFiles(Notebooks, "*.ipynb").Select(Path.GetFileName))
        {
            Assert.Contains(notebook!, known);
            Assert.Contains($"Run(\"{notebook}\")", tests);
        }
    }

    [Fact]
    public void Committed_notebooks_carry_the_outputs_of_a_run_without_errors()
    {
        foreach (var notebook in Directory.GetFiles(Notebooks, "*.ipynb"))
        {
            var text = Packaging.Tests.Notebooks.Text(notebook);   // throws on an error output
            Assert.False(string.IsNullOrWhiteSpace(text), $"{notebook} has no outputs: run notebooks/run.sh --save and commit.");
        }
    }
}
