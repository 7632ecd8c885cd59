//! Picture shapes a provider can be asked for. Story illustrations are square (FR-007's
//! default); the other shapes are there for callers that need them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AspectRatio {
    #[default]
    Square,
    Landscape,
    Portrait,
}

impl AspectRatio {
    /// As xAI and Gemini spell it.
    pub fn ratio(self) -> &'static str {
        match self {
            AspectRatio::Square => "1:1",
            AspectRatio::Landscape => "16:9",
            AspectRatio::Portrait => "9:16",
        }
    }

    /// OpenAI's `size` for GPT image models.
    pub fn openai_size(self) -> &'static str {
        match self {
            AspectRatio::Square => "1024x1024",
            AspectRatio::Landscape => "1536x1024",
            AspectRatio::Portrait => "1024x1536",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illustrations_default_to_square() {
        assert_eq!(AspectRatio::default().ratio(), "1:1");
        assert_eq!(AspectRatio::default().openai_size(), "1024x1024");
        assert_eq!(AspectRatio::Landscape.openai_size(), "1536x1024");
    }
}
