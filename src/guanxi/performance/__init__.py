"""How the team is doing and learning: KPIs per rep and team, the training question bank and quizzes."""
