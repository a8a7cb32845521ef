"""realworld"""
